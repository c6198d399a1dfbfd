// Discord interactions signed with tweetnacl (Ed25519, as Discord signs them) and judged by
// discord-interactions' verifyKey, the official library's check: the real server must accept
// what verifyKey accepts and answer 401, writing nothing, for every negative case of
// platforms.md §9.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import nacl from 'tweetnacl';
import { verifyKey } from 'discord-interactions';
import { startInmaek } from './lib/inmaek.mjs';

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const keys = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(0x5a));
const publicKey = hex(keys.publicKey);
const otherKeys = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(0x17));

let server;

before(async () => {
  server = await startInmaek({ INMAEK_DISCORD_ENABLED: 'true', INMAEK_DISCORD_PUBLIC_KEY: publicKey });
});

after(async () => { await server?.stop(); });

const now = () => String(Math.floor(Date.now() / 1000));
const sign = (timestamp, body, secretKey = keys.secretKey) =>
  hex(nacl.sign.detached(Buffer.from(timestamp + body), secretKey));

async function post(body, headers) {
  const response = await fetch(`${server.url}/hooks/discord`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) },
    body,
  });
  return { status: response.status, text: await response.text() };
}

function interaction(id, name, options) {
  return JSON.stringify({
    id, application_id: '1170000000000000002', type: 2, token: 'aW50ZXJhY3Rpb24', version: 1,
    guild_id: '1160000000000000003', channel_id: '1150000000000000004',
    member: { user: { id: '1140000000000000005', username: 'minji.kim' } },
    data: { id: '1', name, type: 1, options }, locale: 'ko',
  });
}

test('the self-generated vector D1 verifies with verifyKey', async () => {
  const body = '{"type":1,"id":"1","application_id":"2","token":"t","version":1}';
  const signature = '149f1a4ebbc7e615cfe7427247f444e2a9b6b3b0237a4126e9c58b59b9dd6bbcfca765b8287dd31605e640b8c1d74c7b83e714a75fdfb2ae9d5a799cab53d305';
  const key = '197f6b23e16c8532c6abc838facd5ea789be0c76b2920334039bfa8b3d368d61';
  assert.equal(hex(nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(0x2a)).publicKey), key);
  assert.equal(await verifyKey(body, signature, '1700000000', key), true);
  assert.equal(await verifyKey(`${body} `, signature, '1700000000', key), false);
});

test('a PING that verifyKey accepts is answered PONG', async () => {
  const body = '{"type":1,"id":"1180000000000000001","application_id":"1170000000000000002","token":"t","version":1}';
  const t = now();
  const signature = sign(t, body);
  assert.equal(await verifyKey(body, signature, t, publicKey), true);
  const answer = await post(body, { 'X-Signature-Ed25519': signature, 'X-Signature-Timestamp': t });
  assert.equal(answer.status, 200, answer.text);
  assert.deepEqual(JSON.parse(answer.text), { type: 1 });
});

test('a slash command is answered with a type 4 message and stored once', async () => {
  const body = interaction('1180000000000000010', 'meet', [
    { name: 'date', type: 3, value: '2025-02-04 11:00' },
    { name: 'companies', type: 3, value: '카카오, OpenAI' },
    { name: 'notes', type: 3, value: '카카오톡 × ChatGPT 연동 논의' },
  ]);
  const t = now();
  const signature = sign(t, body);
  assert.equal(await verifyKey(body, signature, t, publicKey), true);
  const meetings = server.scalar('SELECT COUNT(*) FROM meetings');
  const answer = await post(body, { 'X-Signature-Ed25519': signature, 'X-Signature-Timestamp': t });
  assert.equal(answer.status, 200, answer.text);
  const json = JSON.parse(answer.text);
  assert.equal(json.type, 4, answer.text);
  assert.match(JSON.stringify(json.data), /카카오/);
  assert.equal(server.scalar('SELECT COUNT(*) FROM meetings'), meetings + 1);
});

test('every interaction verifyKey rejects gets 401 from the server and writes nothing', async () => {
  const body = interaction('1180000000000000020', 'company', [{ name: 'add', type: 3, value: 'Naver' }]);
  const t = now();
  const good = sign(t, body);
  const flipped = good.slice(0, -1) + (good.endsWith('0') ? '1' : '0');
  const cases = [
    ['one flipped character', body, good.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')), t],
    ['one flipped last character', body, flipped, t],
    ['one extra byte in the body', `${body} `, good, t],
    ['the wrong key', body, sign(t, body, otherKeys.secretKey), t],
    ['another timestamp', body, good, String(Number(t) + 1)],
    ['no signature header', body, undefined, t],
    ['no timestamp header', body, good, undefined],
    ['a signature of the wrong length', body, good.slice(0, 126), t],
    ['a signature that is not hex', body, `${good.slice(0, 126)}zz`, t],
  ];
  const companies = server.scalar('SELECT COUNT(*) FROM companies');
  for (const [what, sent, signature, timestamp] of cases) {
    let official;
    try { official = await verifyKey(sent, signature ?? '', timestamp ?? '', publicKey); } catch { official = false; }
    assert.equal(official, false, `verifyKey accepted ${what}`);
    const answer = await post(sent, { 'X-Signature-Ed25519': signature, 'X-Signature-Timestamp': timestamp });
    assert.equal(answer.status, 401, `${what}: ${answer.status} ${answer.text}`);
  }
  assert.equal(server.scalar('SELECT COUNT(*) FROM companies'), companies, 'a rejected interaction wrote');
});
