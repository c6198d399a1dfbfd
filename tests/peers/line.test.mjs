// LINE through its official SDK (@line/bot-sdk 11.2.0): validateSignature decides which signed
// webhooks are genuine and the real server must agree with it (every LINE negative case of
// platforms.md §9 gets 401 and writes nothing); MessagingApiClient's replyMessage and
// pushMessage, sent to the same local recorder as our server's outbound requests, are the
// reference those are compared with.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { messagingApi, validateSignature } from '@line/bot-sdk';
import { startInmaek, eventually, sleep } from './lib/inmaek.mjs';
import { Recorder } from './lib/recorder.mjs';

const kSecret = 'peer_line_channel_secret_0123456789';
const kToken = 'peerLineChannelAccessToken0123456789+/=';
const kGroup = 'Cabcdef0123456789abcdef0123456789';
const kUser = 'Ufedcba9876543210fedcba9876543210';
const kReplyPath = '/v2/bot/message/reply';
const kPushPath = '/v2/bot/message/push';
const kUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let api;
let server;
/** Reply tokens the recorder refuses as LINE refuses an expired one. */
const expiredTokens = new Set();

before(async () => {
  api = await new Recorder((request) => {
    if (request.path === kReplyPath && expiredTokens.has(JSON.parse(request.body).replyToken)) {
      return { status: 400, body: { message: 'Invalid reply token' } };
    }
    return { body: { sentMessages: [{ id: '461230966842064897', quoteToken: 'q' }] } };
  }).start();
  server = await startInmaek({
    INMAEK_LINE_ENABLED: 'true',
    INMAEK_LINE_CHANNEL_SECRET: kSecret,
    INMAEK_LINE_CHANNEL_ACCESS_TOKEN: kToken,
    INMAEK_LINE_API_BASE: api.url,  // the short spelling of line.api_base_url
    INMAEK_OUTBOX_POLL_INTERVAL_MS: '100',
  });
});

after(async () => {
  const log = server?.log() ?? '';
  await server?.stop();
  await api?.stop();
  assert.ok(!log.includes(kSecret), 'the channel secret reached the log');
  assert.ok(!log.includes(kToken), 'the access token reached the log');
});

const sign = (body, secret = kSecret) => crypto.createHmac('sha256', secret).update(body).digest('base64');

/** A webhook with one text message in the partners' group. */
function textEvent(eventId, text, { redelivery = false, replyToken = crypto.randomUUID().replaceAll('-', '') } = {}) {
  return JSON.stringify({
    destination: 'U0123456789abcdef0123456789abcdef',
    events: [{
      type: 'message',
      message: { type: 'text', id: '468789577898262530', quoteToken: 'q3Plxr4AgKd', text },
      webhookEventId: eventId,
      deliveryContext: { isRedelivery: redelivery },
      timestamp: Date.now(),
      source: { type: 'group', groupId: kGroup, userId: kUser },
      replyToken,
      mode: 'active',
    }],
  });
}

async function post(body, signature) {
  const headers = { 'Content-Type': 'application/json; charset=utf-8' };
  if (signature !== undefined) headers['x-line-signature'] = signature;
  const response = await fetch(`${server.url}/hooks/line`, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

/** What MessagingApiClient sends for `call` (run against the recorder). */
async function reference(call) {
  const client = new messagingApi.MessagingApiClient({ channelAccessToken: kToken, baseURL: api.url });
  const before = api.requests.length;
  await call(client);
  assert.equal(api.requests.length, before + 1);
  return api.requests.at(-1);
}

/** Our request compared with the SDK's: method, path, authorization, content type, body keys. */
function assertLike(ours, ref) {
  assert.equal(ours.method, ref.method);
  assert.equal(ours.path, ref.path);
  assert.equal(ours.headers.authorization, ref.headers.authorization);
  assert.equal(ours.headers['content-type'], ref.headers['content-type']);
  const body = JSON.parse(ours.body);
  assert.deepEqual(Object.keys(body).sort(), Object.keys(JSON.parse(ref.body)).sort());
  assert.ok(Array.isArray(body.messages) && body.messages.length >= 1 && body.messages.length <= 5,
    ours.body);
  for (const message of body.messages) assert.ok(['text', 'flex'].includes(message.type), ours.body);
  return body;
}

const shown = (message) => (message.type === 'flex' ? message.altText : message.text);

test('the official vectors L1, L2 and L3 are what validateSignature and our signing agree on', () => {
  assert.equal(sign('{"hello":"world"}', 'test_secret'), 't7Hn4ZDHqs6e+wdvI5TyQIvzie0DmMUmuXEBqyyE/tM=');
  assert.equal(validateSignature('{"hello":"world"}', 'test_secret', 't7Hn4ZDHqs6e+wdvI5TyQIvzie0DmMUmuXEBqyyE/tM='), true);
  assert.equal(validateSignature('{"hello":"world"}', 'test_secret', 't7Hn4ZDHqs6e+wdvi5TyQivzie0DmMUmuXEBqyyE/tM='), false);
  assert.equal(validateSignature('bodybodybodybody', 'channel_secret', '/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k='), true);
  const b2 = '{"destination":"U0123456789abcdef0123456789abcdef","events":[{"type":"message","message":{"type":"text","id":"468789577898262530","quoteToken":"q3Plxr4AgKd","text":"hello bot"},"webhookEventId":"01H810YECXQQZ37VAXPF6H9E6T","deliveryContext":{"isRedelivery":false},"timestamp":1700000000000,"source":{"type":"group","groupId":"Cabcdef0123456789abcdef0123456789","userId":"Ufedcba9876543210fedcba9876543210"},"replyToken":"38ef843bde154d9b91c21320ffd17a0f","mode":"active"}]}';
  assert.equal(sign(b2, 'test_channel_secret_0123456789ab'), 'yhHd5P9Md172mWpcH6dcyB3iLtLK6QGJGAQXqyP/FIU=');
  assert.equal(validateSignature(b2, 'test_channel_secret_0123456789ab', 'yhHd5P9Md172mWpcH6dcyB3iLtLK6QGJGAQXqyP/FIU='), true);
});

test("the console's verification (no events) is answered 200", async () => {
  const body = JSON.stringify({ destination: 'xxxxxxxxxx', events: [] });
  assert.equal(validateSignature(body, kSecret, sign(body)), true);
  const answer = await post(body, sign(body));
  assert.equal(answer.status, 200, answer.text);
});

test('every webhook validateSignature rejects gets 401 from the server and writes nothing', async () => {
  const body = textEvent('01PEERFORGED00000000000001', '/company add @네이버');
  const good = sign(body);
  const flipped = (good[3] === 'A' ? 'B' : 'A');
  const cases = [
    ['one flipped character', body, good.slice(0, 3) + flipped + good.slice(4)],
    ['one extra byte in the body', `${body} `, good],
    ['the wrong key', body, sign(body, 'another_channel_secret_0123456789')],
    ['a signature that is not base64', body, '%%% not base64 %%%'],
    ['no signature header', body, undefined],
  ];
  const events = server.scalar('SELECT COUNT(*) FROM inbound_events');
  const companies = server.scalar('SELECT COUNT(*) FROM companies');
  for (const [what, sent, signature] of cases) {
    if (signature !== undefined) {
      let valid;
      try { valid = validateSignature(sent, kSecret, signature); } catch { valid = false; }
      assert.equal(valid, false, `the SDK accepted ${what}`);
    }
    const answer = await post(sent, signature);
    assert.equal(answer.status, 401, `${what}: ${answer.status} ${answer.text}`);
  }
  assert.equal(server.scalar('SELECT COUNT(*) FROM inbound_events'), events, 'a rejected webhook wrote');
  assert.equal(server.scalar('SELECT COUNT(*) FROM companies'), companies, 'a rejected webhook wrote');
});

test('a message is answered through the reply API as replyMessage sends it, once across redeliveries', async () => {
  const ref = await reference((client) =>
    client.replyMessage({ replyToken: 'reference-token', messages: [{ type: 'text', text: 'reference' }] }));
  const sentBefore = api.requests.length;
  const eventsBefore = server.scalar('SELECT COUNT(*) FROM inbound_events');
  const replyToken = '0f3779fba3b349968c5d07db31eab56f';
  for (let delivery = 0; delivery < 3; ++delivery) {
    const body = textEvent('01PEERREPLY000000000000001', '/company add @LG에너지솔루션',
      { redelivery: delivery > 0, replyToken });
    assert.equal(validateSignature(body, kSecret, sign(body)), true);
    const answer = await post(body, sign(body));
    assert.equal(answer.status, 200, answer.text);
  }
  const ours = await eventually(() => api.requests.slice(sentBefore).find((r) => r.path === kReplyPath),
    'our reply');
  await sleep(500);  // a duplicate would have come by now
  assert.equal(api.requests.slice(sentBefore).length, 1, 'three deliveries of one event, one reply');
  const body = assertLike(ours, ref);
  assert.equal(body.replyToken, replyToken);
  assert.equal(ours.headers['x-line-retry-key'], undefined);
  assert.match(shown(body.messages[0]), /LG에너지솔루션/);
  assert.equal(server.scalar('SELECT COUNT(*) FROM inbound_events'), eventsBefore + 1, 'one event stored');
});

test('an expired reply token turns into a push with X-Line-Retry-Key, as pushMessage sends it', async () => {
  const ref = await reference((client) =>
    client.pushMessage({ to: kGroup, messages: [{ type: 'text', text: 'reference' }] }, crypto.randomUUID()));
  assert.match(ref.headers['x-line-retry-key'], kUuid);
  const sentBefore = api.requests.length;
  const replyToken = 'ffffffffffffffffffffffffffffffff';
  expiredTokens.add(replyToken);
  const body = textEvent('01PEERPUSH0000000000000001', '/help', { replyToken });
  assert.equal((await post(body, sign(body))).status, 200);
  const ours = await eventually(() => api.requests.slice(sentBefore).find((r) => r.path === kPushPath),
    'our push after the refused reply', 15_000);
  const pushed = assertLike(ours, ref);
  assert.equal(pushed.to, kGroup);
  assert.match(ours.headers['x-line-retry-key'], kUuid);
});
