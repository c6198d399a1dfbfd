// The real inmaek binary for the peer tests: `inmaek serve --listen 127.0.0.1:0` on a fresh SQLite
// database in a temporary folder, with the test's INMAEK_* settings. The C++ end-to-end tests cover
// both backends; these tests are about what the messengers' own libraries send and accept.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const kStartTimeoutMs = 30_000;

/** The binary under test: ctest passes its path in INMAEK_BINARY. */
export function binary() {
  const file = process.env.INMAEK_BINARY;
  if (!file) throw new Error('INMAEK_BINARY is not set (ctest sets it; see tests/CMakeLists.txt)');
  return file;
}

/** A running server: its base URL, its log so far, and stop(). */
export class Inmaek {
  #child;
  #output = '';
  #exited = null;

  constructor(child, dir, databaseUrl) {
    this.#child = child;
    this.dir = dir;
    this.databaseUrl = databaseUrl;
    this.databaseFile = path.join(dir, 'inmaek.db');
    this.port = 0;
    child.stdout.on('data', (chunk) => { this.#output += chunk; });
    child.stderr.on('data', (chunk) => { this.#output += chunk; });
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => {
      this.#exited = { code, signal };
      resolve(this.#exited);
    }));
  }

  get url() { return `http://127.0.0.1:${this.port}`; }
  log() { return this.#output; }

  /** Resolves when the log contains `needle` (a string or RegExp); rejects after timeoutMs. */
  async waitForLog(needle, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = typeof needle === 'string' ? this.#output.includes(needle) && [needle]
                                               : this.#output.match(needle);
      if (match) return match;
      if (this.#exited) throw new Error(`inmaek exited (${JSON.stringify(this.#exited)}) before "${needle}":\n${this.#output}`);
      if (Date.now() > deadline) throw new Error(`no "${needle}" in the log within ${timeoutMs} ms:\n${this.#output}`);
      await sleep(20);
    }
  }

  /** One number from the database (e.g. SELECT COUNT(*) FROM meetings), read with sqlite3(1). */
  scalar(sql) {
    const out = execFileSync('sqlite3', ['-cmd', '.timeout 5000', this.databaseFile, sql], { encoding: 'utf8' });
    return Number(out.trim());
  }

  /** SIGTERM, then the exit; the temporary folder is removed. */
  async stop() {
    if (!this.#exited) {
      this.#child.kill('SIGTERM');
      const killer = setTimeout(() => this.#child.kill('SIGKILL'), 15_000);
      await this.exited;
      clearTimeout(killer);
    }
    rmSync(this.dir, { recursive: true, force: true });
    return this.#exited;
  }
}

/**
 * Starts the server with `env` (INMAEK_* names, e.g. { INMAEK_SLACK_SIGNING_SECRET: '…' }) and
 * waits until it listens. Every INMAEK_* variable of the test's own environment is dropped first.
 */
export async function startInmaek(env = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'inmaek-peer-'));
  const databaseUrl = `sqlite3://db=${path.join(dir, 'inmaek.db')}`;
  const childEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('INMAEK_')));
  Object.assign(childEnv, { INMAEK_DATABASE_URL: databaseUrl, INMAEK_LOG_LEVEL: 'info' }, env);
  const child = spawn(binary(), ['serve', '--listen', '127.0.0.1:0'], { cwd: dir, env: childEnv });
  const server = new Inmaek(child, dir, databaseUrl);
  try {
    const [, port] = await server.waitForLog(/listening on 127\.0\.0\.1:(\d+)/, kStartTimeoutMs);
    server.port = Number(port);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

export function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

/** Polls `probe` every 25 ms until it returns a truthy value; throws `what` after timeoutMs. */
export async function eventually(probe, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}
