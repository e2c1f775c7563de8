import * as assert from 'assert';
import * as http from 'http';
import { type FixtureServer, startFixtureServer } from '../fixtures/server';

/** A raw GET that reports how the response ended, byte-exact (fetch would hide some of it). */
function rawGet(
  url: string,
  timeoutMs = 2000,
): Promise<{
  status?: number;
  headers?: http.IncomingHttpHeaders;
  body: string;
  outcome: 'complete' | 'aborted' | 'timeout' | 'error';
}> {
  return new Promise((resolve) => {
    let body = '';
    let status: number | undefined;
    let headers: http.IncomingHttpHeaders | undefined;
    let settled = false;
    const done = (outcome: 'complete' | 'aborted' | 'timeout' | 'error') => {
      if (settled) return;
      settled = true;
      resolve({ status, headers, body, outcome });
    };
    const req = http.get(url, (res) => {
      status = res.statusCode;
      headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => done(res.complete ? 'complete' : 'aborted'));
      res.on('aborted', () => done('aborted'));
      res.on('error', () => done('aborted'));
      res.on('close', () => done(res.complete ? 'complete' : 'aborted'));
    });
    req.setTimeout(timeoutMs, () => {
      req.destroy();
      done('timeout');
    });
    req.on('error', () => done(status === undefined ? 'error' : 'aborted'));
  });
}

describe('fixture server', () => {
  let server: FixtureServer;

  beforeEach(async () => {
    server = await startFixtureServer();
  });

  afterEach(async () => {
    await server.close();
  });

  it('listens on 127.0.0.1 and answers a route with body, status and headers', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    server.route('/feed', {
      status: 201,
      body: '<feed/>',
      headers: { 'Content-Type': 'application/atom+xml', 'X-Test': 'yes' },
    });
    const res = await fetch(`${server.url}/feed?q=koopman`);
    assert.strictEqual(res.status, 201);
    assert.strictEqual(res.headers.get('content-type'), 'application/atom+xml');
    assert.strictEqual(res.headers.get('x-test'), 'yes');
    assert.strictEqual(await res.text(), '<feed/>');
  });

  it('sends objects as JSON and supports handlers and methods', async () => {
    server.route('/json', { body: { papers: [1, 2] } });
    server.route('/echo', (req) => ({ body: { method: req.method, q: req.query.get('q'), body: req.body } }), 'POST');
    const json = await fetch(`${server.url}/json`);
    assert.strictEqual(json.headers.get('content-type'), 'application/json');
    assert.deepStrictEqual(await json.json(), { papers: [1, 2] });
    const echo = await fetch(`${server.url}/echo?q=x`, { method: 'POST', body: 'hello' });
    assert.deepStrictEqual(await echo.json(), { method: 'POST', q: 'x', body: 'hello' });
    const wrongMethod = await fetch(`${server.url}/echo`);
    assert.strictEqual(wrongMethod.status, 404);
  });

  it('answers 404 for unknown paths and matches RegExp routes', async () => {
    server.route(/^\/abs\/\d+$/, { body: 'abstract' });
    assert.strictEqual((await fetch(`${server.url}/abs/2401`)).status, 200);
    assert.strictEqual((await fetch(`${server.url}/nope`)).status, 404);
  });

  it('records requests with path, query, headers and body', async () => {
    server.route('/api', { body: 'ok' });
    await fetch(`${server.url}/api?search=rnn&max=5`, { headers: { 'User-Agent': 'attractor-test' } });
    await fetch(`${server.url}/other`);
    assert.strictEqual(server.requests.length, 2);
    const [first] = server.requestsTo('/api');
    assert.strictEqual(first.method, 'GET');
    assert.strictEqual(first.path, '/api');
    assert.strictEqual(first.url, '/api?search=rnn&max=5');
    assert.strictEqual(first.query.get('search'), 'rnn');
    assert.strictEqual(first.headers['user-agent'], 'attractor-test');
    assert.ok(first.time <= Date.now());
  });

  it('injects 429 with and without Retry-After, then recovers after `times`', async () => {
    server.route('/api', { body: 'ok' });
    server.fault('/api', { kind: 'rateLimit', retryAfter: 3 }, { times: 1 });
    server.fault('/api', { kind: 'rateLimit' }, { times: 1 });
    const a = await fetch(`${server.url}/api`);
    assert.strictEqual(a.status, 429);
    assert.strictEqual(a.headers.get('retry-after'), '3');
    const b = await fetch(`${server.url}/api`);
    assert.strictEqual(b.status, 429);
    assert.strictEqual(b.headers.get('retry-after'), null);
    const c = await fetch(`${server.url}/api`);
    assert.strictEqual(c.status, 200);
    assert.strictEqual(await c.text(), 'ok');
    assert.strictEqual(server.requestsTo('/api').length, 3);
  });

  it('injects 500 and 503 (with an HTTP-date Retry-After)', async () => {
    server.route('/api', { body: 'ok' });
    server.fault('/api', { kind: 'serverError' }, { times: 1 });
    server.fault('/api', { kind: 'unavailable', retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT' }, { times: 1 });
    assert.strictEqual((await fetch(`${server.url}/api`)).status, 500);
    const u = await fetch(`${server.url}/api`);
    assert.strictEqual(u.status, 503);
    assert.strictEqual(u.headers.get('retry-after'), 'Wed, 21 Oct 2015 07:28:00 GMT');
    assert.strictEqual((await fetch(`${server.url}/api`)).status, 200);
  });

  it('keeps a fault for every request when `times` is not given, until cleared', async () => {
    server.route('/api', { body: 'ok' });
    server.fault('/api', { kind: 'serverError' });
    for (let i = 0; i < 3; i++) assert.strictEqual((await fetch(`${server.url}/api`)).status, 500);
    server.clearFaults('/api');
    assert.strictEqual((await fetch(`${server.url}/api`)).status, 200);
  });

  it('hangs until the client times out', async () => {
    server.route('/slow', { body: 'never' });
    server.fault('/slow', { kind: 'hang' });
    const started = Date.now();
    await assert.rejects(fetch(`${server.url}/slow`, { signal: AbortSignal.timeout(300) }), (err: Error) => {
      assert.match(err.name, /TimeoutError|AbortError/);
      return true;
    });
    assert.ok(Date.now() - started >= 250);
    assert.strictEqual(server.requestsTo('/slow').length, 1);
  });

  it('truncates a body: Content-Length larger than what is sent, then the connection drops', async () => {
    const body = 'x'.repeat(1000);
    server.route('/big', { body, headers: { 'content-type': 'text/plain' } });
    server.fault('/big', { kind: 'truncate', bytes: 100 });
    const res = await rawGet(`${server.url}/big`);
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.headers?.['content-length'], '1000');
    assert.strictEqual(res.outcome, 'aborted');
    assert.strictEqual(res.body.length, 100);
    // fetch sees the same as an error while reading the body
    server.fault('/big', { kind: 'truncate' }, { times: 1 });
    const viaFetch = await fetch(`${server.url}/big`);
    await assert.rejects(viaFetch.text());
  });

  it('sends a malformed body that does not parse', async () => {
    server.route('/json', { body: { papers: [{ title: 'A' }, { title: 'B' }] } });
    server.fault('/json', { kind: 'malformed' }, { times: 1 });
    const bad = await fetch(`${server.url}/json`);
    assert.strictEqual(bad.status, 200);
    assert.strictEqual(bad.headers.get('content-type'), 'application/json');
    await assert.rejects(bad.json(), SyntaxError);
    server.fault('/json', { kind: 'malformed', body: '<feed><entry>' }, { times: 1 });
    assert.strictEqual(await (await fetch(`${server.url}/json`)).text(), '<feed><entry>');
    assert.deepStrictEqual(await (await fetch(`${server.url}/json`)).json(), {
      papers: [{ title: 'A' }, { title: 'B' }],
    });
  });

  it('delays a response', async () => {
    server.route('/late', { body: 'ok', delayMs: 150 });
    const started = Date.now();
    assert.strictEqual(await (await fetch(`${server.url}/late`)).text(), 'ok');
    assert.ok(Date.now() - started >= 140);
  });

  it('reset() forgets routes, faults and requests; close() ends hanging connections', async () => {
    server.route('/api', { body: 'ok' });
    await fetch(`${server.url}/api`);
    server.reset();
    assert.strictEqual(server.requests.length, 0);
    assert.strictEqual((await fetch(`${server.url}/api`)).status, 404);

    server.route('/hang', { body: '' });
    server.fault('/hang', { kind: 'hang' });
    const pending = rawGet(`${server.url}/hang`, 10_000);
    await waitUntil(() => server.requestsTo('/hang').length === 1);
    const started = Date.now();
    await server.close();
    const res = await pending;
    assert.notStrictEqual(res.outcome, 'complete');
    assert.ok(Date.now() - started < 2000, 'close() did not wait for the hanging request');
    server = await startFixtureServer(); // for afterEach
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
