// A platform API on 127.0.0.1:0: records every request (method, path, lower-case headers, raw
// body) and answers what the test's responder returns. Our server's outbound requests and the
// official SDKs' requests are captured the same way, so the tests can compare them.
import http from 'node:http';

export class Recorder {
  #server;
  requests = [];

  /** responder(request) → { status, headers, body } (body: string or object sent as JSON). */
  constructor(responder = () => ({ status: 200, body: { ok: true } })) {
    this.responder = responder;
    this.#server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        const request = {
          method: req.method,
          path: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(request);
        const answer = this.responder(request);
        const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
        res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json', ...(answer.headers ?? {}) });
        res.end(body);
      });
    });
  }

  async start() {
    await new Promise((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url() { return `http://127.0.0.1:${this.#server.address().port}`; }

  async stop() {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

/** The fields of a request body, whether it was sent as JSON or as a form (arrays JSON-encoded). */
export function fields(request) {
  const type = request.headers['content-type'] ?? '';
  if (type.startsWith('application/x-www-form-urlencoded')) {
    const out = {};
    for (const [name, value] of new URLSearchParams(request.body)) {
      out[name] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    }
    return out;
  }
  return JSON.parse(request.body || '{}');
}
