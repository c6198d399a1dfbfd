// Telegram through telegram-test-api, a Bot API emulator: a test user's messages reach our
// webhook the way the emulator delivers them, and our replies and the daily summary come back
// through its sendMessage, where the test reads them as the user's chat would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startInmaek, eventually } from './lib/inmaek.mjs';

const TelegramServer = createRequire(import.meta.url)('telegram-test-api');
const kToken = '123456:PEER-test-token_x';
const kChat = { id: -1001234567890, title: '파트너십팀', type: 'supergroup' };
const kUser = { id: 5012345678, is_bot: false, first_name: '민지', last_name: '김', username: 'minji_kim', language_code: 'ko' };

let emulator;
let emulatorUrl;
let server;
const received = [];  // every message our bot sent to kChat, in order

// The emulator rejects its own failed webhook deliveries as unhandled promises; they would end
// the test process instead of failing one assertion.
process.on('unhandledRejection', (error) => console.error('telegram-test-api:', error?.message ?? error));

before(async () => {
  emulator = new TelegramServer({ port: 0, host: '127.0.0.1', storeTimeout: 60 });
  await emulator.start();
  emulatorUrl = `http://127.0.0.1:${emulator.server.address().port}`;
  server = await startInmaek({
    INMAEK_TELEGRAM_ENABLED: 'true',
    INMAEK_TELEGRAM_REPLY_MODE: 'api',
    INMAEK_TELEGRAM_BOT_TOKEN: kToken,
    INMAEK_TELEGRAM_API_BASE_URL: emulatorUrl,
    // The emulator sends no X-Telegram-Bot-Api-Secret-Token (platforms.md §10.1).
    INMAEK_TELEGRAM_ALLOW_MISSING_SECRET: 'true',
    INMAEK_OUTBOX_POLL_INTERVAL_MS: '100',
    // Tomorrow morning, shortly before nine in Seoul: the summary of the seed day is due soon.
    INMAEK_SCHEDULER_CLOCK_START: '2025-02-05T08:59:45+09:00',
    INMAEK_SCHEDULER_TICK_SECONDS: '1',
  });
  const hooked = await call(`/bot${kToken}/setWebhook`, { url: `${server.url}/hooks/telegram` });
  assert.equal(hooked.ok, true, JSON.stringify(hooked));
});

after(async () => {
  const log = server?.log() ?? '';
  await server?.stop();
  await emulator?.stop();
  assert.ok(!log.includes(kToken), 'the bot token reached the log');
});

async function call(path, body) {
  const response = await fetch(`${emulatorUrl}${path}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  return response.json();
}

/** The user types `text` in the group; a leading /command is marked as Telegram marks it. */
async function say(text) {
  const command = text.match(/^\/\S+/);
  const message = { botToken: kToken, from: kUser, chat: kChat, date: 1738627200, text };
  if (command) message.entities = [{ offset: 0, length: command[0].length, type: 'bot_command' }];
  const sent = await call(command ? '/sendCommand' : '/sendMessage', message);
  assert.equal(sent.ok, true, JSON.stringify(sent));
}

/** The bot's messages to the chat that arrived since the last look. */
async function collect() {
  const answer = await call('/getUpdates', { token: kToken, chatId: kChat.id });
  for (const update of answer.result ?? []) received.push(update.message ?? update);
  return received;
}

async function nextReply(count, what, timeoutMs = 15_000) {
  return eventually(async () => ((await collect()).length >= count ? received[count - 1] : null), what, timeoutMs);
}

test('a meeting typed in the group is stored and answered through sendMessage', async () => {
  await say('/회의 2025-02-04 11:00 @카카오 @OpenAI 참석: 샘 알트먼, 케빈 와일 : 카카오톡×ChatGPT 연동 논의');
  const reply = await nextReply(1, 'the reply to /회의');
  assert.equal(Number(reply.chat_id ?? reply.chat?.id), kChat.id);
  assert.match(reply.text, /카카오/);
  assert.match(reply.text, /OpenAI/);
  assert.equal(server.scalar('SELECT COUNT(*) FROM meetings'), 1);
});

test('a subscription is confirmed, and at nine the summary of the seed day arrives once', async () => {
  await say('/구독 매일 09:00');
  const confirmed = await nextReply(2, 'the reply to /구독');
  assert.match(confirmed.text, /09:00/);

  const summary = await nextReply(3, 'the daily summary', 45_000);
  assert.match(summary.text, /카카오/);
  assert.match(summary.text, /OpenAI/);
  assert.match(summary.text, /샘 알트먼/);
  // Ticks go on every second; a second summary for the same morning would arrive now.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  assert.equal((await collect()).length, 3, JSON.stringify(received.map((m) => m.text)));
  assert.equal(server.scalar("SELECT COUNT(*) FROM summary_runs WHERE status = 'sent'"), 1);
});
