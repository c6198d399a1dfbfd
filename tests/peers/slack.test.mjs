// Slack through its official libraries: @slack/bolt's isValidSlackRequest decides which signed
// requests are genuine and the real server must agree with it (every negative case of
// platforms.md §9 gets 401 and writes nothing); @slack/web-api's chat.postMessage, sent to the
// same local recorder as our server's, is the reference our outbound request is compared with.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import bolt from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { startInmaek, eventually } from './lib/inmaek.mjs';
import { Recorder, fields } from './lib/recorder.mjs';

const { isValidSlackRequest } = bolt;
const kSecret = 'peer_slack_signing_secret_0123456789';
const kToken = 'xoxb-1-peer-test-token';

let api;
let server;

before(async () => {
  api = await new Recorder(() => ({ body: { ok: true, channel: 'C0PARTNER1', ts: '1738634400.000900' } })).start();
  server = await startInmaek({
    INMAEK_SLACK_ENABLED: 'true',
    INMAEK_SLACK_SIGNING_SECRET: kSecret,
    INMAEK_SLACK_BOT_TOKEN: kToken,
    INMAEK_SLACK_API_BASE: api.url,  // the short spelling of slack.api_base_url
    INMAEK_OUTBOX_POLL_INTERVAL_MS: '100',
  });
});

after(async () => {
  const log = server?.log() ?? '';
  await server?.stop();
  await api?.stop();
  assert.ok(!log.includes(kSecret), 'the signing secret reached the log');
  assert.ok(!log.includes(kToken), 'the bot token reached the log');
});

const now = () => Math.floor(Date.now() / 1000);
const sign = (body, timestamp, secret = kSecret) =>
  `v0=${crypto.createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;

/** Whether bolt accepts these headers for this body (its clock is ours). */
function boltAccepts(body, headers) {
  return isValidSlackRequest({
    signingSecret: kSecret,
    body,
    headers: {
      'x-slack-signature': headers['X-Slack-Signature'],
      'x-slack-request-timestamp': Number(headers['X-Slack-Request-Timestamp']),
    },
  });
}

async function post(path, body, headers, type) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': type, ...Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) },
    body,
  });
  return { status: response.status, text: await response.text() };
}

const kForm = 'application/x-www-form-urlencoded';
let triggers = 0;  // Slack gives every slash command its own trigger_id
const command = (text) => new URLSearchParams({
  token: 'x', team_id: 'T0CRM0001', team_domain: 'partners', channel_id: 'C0PARTNER1',
  channel_name: 'partners', user_id: 'U0KIMMINJ', user_name: 'minji.kim', command: '/inmaek', text,
  api_app_id: 'A0CRM0001', response_url: 'https://hooks.slack.com/commands/T0CRM0001/1/abc',
  trigger_id: `1111.2222.${++triggers}`,
}).toString();

test('the official vector S1 is what bolt and our signer agree on', () => {
  const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
  const expected = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
  assert.equal(sign(body, 1531420618, '8f742231b10e8888abcd99yyyzzz85a5'), expected);
  assert.equal(isValidSlackRequest({
    signingSecret: '8f742231b10e8888abcd99yyyzzz85a5', body, nowMilliseconds: 1531420618 * 1000,
    headers: { 'x-slack-signature': expected, 'x-slack-request-timestamp': 1531420618 },
  }), true);
});

test('a slash command bolt calls genuine is answered in the response and stored once', async () => {
  const body = command('meet 2025-02-04 11:00 @카카오 @OpenAI : 카카오톡 × ChatGPT 연동 논의');
  const timestamp = now();
  const headers = { 'X-Slack-Request-Timestamp': String(timestamp), 'X-Slack-Signature': sign(body, timestamp) };
  assert.equal(boltAccepts(body, headers), true);
  const before = server.scalar('SELECT COUNT(*) FROM meetings');
  const answer = await post('/hooks/slack/commands', body, headers, kForm);
  assert.equal(answer.status, 200, answer.text);
  const json = JSON.parse(answer.text);
  assert.ok(['in_channel', 'ephemeral'].includes(json.response_type), answer.text);
  assert.match(JSON.stringify(json), /카카오/);
  assert.equal(server.scalar('SELECT COUNT(*) FROM meetings'), before + 1);
});

test('every request bolt rejects gets 401 from the server and writes nothing', async () => {
  const body = command('company add @네이버');
  const t = now();
  const good = sign(body, t);
  const flipped = good.slice(0, -1) + (good.endsWith('0') ? '1' : '0');
  const cases = [
    ['one flipped character', body, { 'X-Slack-Request-Timestamp': String(t), 'X-Slack-Signature': flipped }],
    ['one extra byte in the body', `${body}&`, { 'X-Slack-Request-Timestamp': String(t), 'X-Slack-Signature': good }],
    ['the wrong key', body, { 'X-Slack-Request-Timestamp': String(t), 'X-Slack-Signature': sign(body, t, 'another_secret_0123456789abcdef') }],
    ['no signature header', body, { 'X-Slack-Request-Timestamp': String(t), 'X-Slack-Signature': undefined }],
    ['no timestamp header', body, { 'X-Slack-Request-Timestamp': undefined, 'X-Slack-Signature': good }],
    ['a timestamp 301 s old', body, { 'X-Slack-Request-Timestamp': String(t - 301), 'X-Slack-Signature': sign(body, t - 301) }],
    // bolt bounds only the age; the server also refuses a clock ahead (issue 4: ±300 s). 303,
    // not 301: the server reads its clock a second or two after `t`, which brings it closer.
    ['a timestamp 303 s ahead', body, { 'X-Slack-Request-Timestamp': String(t + 303), 'X-Slack-Signature': sign(body, t + 303) }, 'bolt checks no future bound'],
    ['a v1= prefix', body, { 'X-Slack-Request-Timestamp': String(t), 'X-Slack-Signature': good.replace('v0=', 'v1=') }],
  ];
  const companies = server.scalar('SELECT COUNT(*) FROM companies');
  for (const [what, sent, headers, boltAllows] of cases) {
    let bolts;
    try { bolts = boltAccepts(sent, headers); } catch { bolts = false; }
    assert.equal(bolts, Boolean(boltAllows), `bolt's verdict on ${what}`);
    const answer = await post('/hooks/slack/commands', sent, headers, kForm);
    assert.equal(answer.status, 401, `${what}: ${answer.status} ${answer.text}`);
  }
  assert.equal(server.scalar('SELECT COUNT(*) FROM companies'), companies, 'a rejected request wrote');
});

test('an app mention is answered through chat.postMessage like @slack/web-api sends it, once across retries', async () => {
  // The reference: what the official client sends for the same call.
  const reference = new WebClient(kToken, { slackApiUrl: `${api.url}/api/` });
  await reference.chat.postMessage({ channel: 'C0PARTNER1', text: 'reference' });
  const ref = api.requests.at(-1);
  const sentBefore = api.requests.length;

  const event = JSON.stringify({
    token: 'x', team_id: 'T0CRM0001', api_app_id: 'A0CRM0001', type: 'event_callback',
    event_id: 'Ev0PEER0001', event_time: now(),
    event: { type: 'app_mention', channel: 'C0PARTNER1', user: 'U0KIMMINJ', text: '<@U0BOT0001> /company add @LG에너지솔루션', ts: '1738634400.000200', event_ts: '1738634400.000200' },
    authorizations: [{ team_id: 'T0CRM0001', user_id: 'U0BOT0001', is_bot: true }],
  });
  for (let retry = 0; retry < 3; ++retry) {
    const t = now();
    const headers = { 'X-Slack-Request-Timestamp': String(t), 'X-Slack-Signature': sign(event, t) };
    if (retry > 0) Object.assign(headers, { 'X-Slack-Retry-Num': String(retry), 'X-Slack-Retry-Reason': 'http_timeout' });
    assert.equal(boltAccepts(event, headers), true);
    const answer = await post('/hooks/slack/events', event, headers, 'application/json');
    assert.equal(answer.status, 200, answer.text);
  }
  const ours = await eventually(() => api.requests.slice(sentBefore).find((r) => r.path.endsWith('chat.postMessage')),
    'our chat.postMessage');
  await new Promise((resolve) => setTimeout(resolve, 500));  // a duplicate would have come by now
  assert.equal(api.requests.slice(sentBefore).filter((r) => r.path.endsWith('chat.postMessage')).length, 1);

  assert.equal(ours.method, ref.method);
  assert.equal(ours.path, ref.path);
  assert.equal(ours.headers.authorization, ref.headers.authorization);
  const body = fields(ours);
  assert.equal(body.channel, fields(ref).channel);
  assert.equal(typeof body.text, 'string');
  assert.match(body.text, /LG에너지솔루션/);
  if (body.blocks !== undefined) assert.ok(Array.isArray(body.blocks), 'blocks must be an array');
});

test('/export uploads the CSV the way @slack/web-api filesUploadV2 does', async () => {
  const previous = api.responder;
  api.responder = (request) => {
    if (request.path.endsWith('/files.getUploadURLExternal')) {
      return { body: { ok: true, upload_url: `${api.url}/upload/v1/F0PEER${api.requests.length}`, file_id: `F0PEER${api.requests.length}` } };
    }
    if (request.path.startsWith('/upload/')) return { body: 'OK - 1' };
    return previous(request);
  };
  try {
    // The reference: the official client uploading a file into the channel.
    const reference = new WebClient(kToken, { slackApiUrl: `${api.url}/api/` });
    const referenceStart = api.requests.length;
    await reference.filesUploadV2({ channel_id: 'C0PARTNER1', file: Buffer.from('\ufeffid\r\n1\r\n'), filename: 'ref.csv', title: 'ref' });
    const ref = api.requests.slice(referenceStart);
    assert.equal(ref.length, 3);

    const sentBefore = api.requests.length;
    const body = command('export companies');
    const t = now();
    const answer = await post('/hooks/slack/commands', body, { 'X-Slack-Request-Timestamp': String(t), 'X-Slack-Signature': sign(body, t) }, kForm);
    assert.equal(answer.status, 200, answer.text);
    assert.doesNotMatch(answer.text, /\/exports\//, 'the file comes, not a link');
    const flow = () => api.requests.slice(sentBefore).filter((r) => !r.path.startsWith('/api/users.'));
    await eventually(() => flow().length >= 3 && flow(), 'our three upload requests');
    const ours = flow();

    for (const step of [0, 2]) {
      assert.equal(ours[step].method, ref[step].method);
      assert.equal(ours[step].path, ref[step].path);
      assert.equal(ours[step].headers.authorization, ref[step].headers.authorization);
      assert.equal(ours[step].headers['content-type'].split(';')[0], ref[step].headers['content-type'].split(';')[0]);
      assert.deepEqual(Object.keys(fields(ours[step])).sort(), Object.keys(fields(ref[step])).sort());
    }
    assert.match(fields(ours[0]).filename, /^inmaek-companies-\d{4}-\d\d-\d\d\.csv$/);
    assert.equal(fields(ours[2]).channel_id, 'C0PARTNER1');
    assert.equal(`/upload/v1/${fields(ours[2]).files[0].id}`, ours[1].path, 'the upload it completes');

    // Step 2: both POST multipart/form-data with one file part to the upload URL; ours is the CSV.
    assert.equal(ours[1].method, ref[1].method);
    assert.ok(ours[1].path.startsWith('/upload/v1/'));
    const parts = async (request) => [...(await new Response(request.body, { headers: { 'content-type': request.headers['content-type'] } }).formData()).entries()];
    const refParts = await parts(ref[1]);
    const ourParts = await parts(ours[1]);
    assert.equal(refParts.length, 1);
    assert.equal(ourParts.length, 1);
    const csv = Buffer.from(await ourParts[0][1].arrayBuffer());
    assert.ok(csv.toString('utf8').startsWith('\ufeffid,name,aliases,industry,site,tier,note,created_at\r\n'), csv.toString('utf8'));
    assert.equal(Number(fields(ours[0]).length), csv.length, 'the announced length is the file\'s');
  } finally {
    api.responder = previous;
  }
});
