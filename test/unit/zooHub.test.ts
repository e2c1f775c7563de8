/**
 * Models citing a paper on the Hugging Face Hub and the download of their .onnx files, against the local fixture
 * server: the listing, a download that checks size and sha256 and lands atomically, and the failures that must
 * leave nothing behind (500, a cut body, too large, a wrong checksum, cancel).
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as nodeHttp from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SourceError } from '../../src/core/httpErrors';
import { HttpClient } from '../../src/core/http';
import { DownloadError, etagSha256 } from '../../src/core/download';
import {
  downloadedFileName,
  downloadHubFile,
  hubFileUrl,
  hubModelsUrl,
  isOnnxPath,
  parseHubModels,
} from '../../src/zoo/hubModels';
import { startFixtureServer, type FixtureServer } from '../fixtures/server';

const BODY = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 31) % 251));
const SHA = createHash('sha256').update(BODY).digest('hex');

describe('zoo: models on the Hugging Face Hub', () => {
  it('reads the models citing a paper, .onnx files first, unsafe ids and paths dropped', () => {
    const listing = [
      {
        id: 'someone/no-onnx',
        tags: ['arxiv:2306.04406'],
        siblings: [{ rfilename: 'pytorch_model.bin' }],
        downloads: 5,
        likes: 1,
      },
      {
        id: 'lab/plrnn-lorenz',
        siblings: [
          { rfilename: 'model.onnx' },
          { rfilename: 'onnx/step.ONNX' },
          { rfilename: '../evil.onnx' },
          { rfilename: '/abs.onnx' },
        ],
        pipeline_tag: 'time-series-forecasting',
      },
      { id: '../../etc', siblings: [{ rfilename: 'a.onnx' }] },
      'not an object',
      { modelId: 'old/style' },
    ];
    const models = parseHubModels(JSON.stringify(listing), 'hub');
    assert.deepEqual(
      models.map((m) => m.id),
      ['lab/plrnn-lorenz', 'someone/no-onnx', 'old/style'],
    );
    assert.deepEqual(models[0].onnxFiles, ['model.onnx', 'onnx/step.ONNX']);
    assert.equal(models[0].pipelineTag, 'time-series-forecasting');
    assert.deepEqual(models[1].onnxFiles, []);
    assert.equal(models[1].downloads, 5);
    assert.throws(
      () => parseHubModels('{"error":"x"}', 'hub'),
      (e: unknown) => e instanceof SourceError && e.kind === 'parse',
    );
    assert.throws(
      () => parseHubModels('<html>', 'hub'),
      (e: unknown) => e instanceof SourceError && e.kind === 'parse',
    );
  });

  it('builds the Hub URLs and flat file names, and reads a sha256 from an ETag only when it is one', () => {
    assert.equal(
      hubModelsUrl('http://h/', '2306.04406'),
      'http://h/api/models?filter=arxiv%3A2306.04406&full=true&limit=100',
    );
    assert.equal(hubFileUrl('http://h', 'lab/m', 'onnx/a b.onnx'), 'http://h/lab/m/resolve/main/onnx/a%20b.onnx');
    assert.equal(downloadedFileName('lab/m', 'onnx/step.onnx'), 'lab--m--onnx--step.onnx');
    assert.match(downloadedFileName('lab/m', 'we ird/x.ONNX'), /^lab--m--we_ird--x\+[0-9a-f]{16}\.onnx$/);
    assert.equal(isOnnxPath('a/../b.onnx'), false);
    assert.equal(isOnnxPath('a/b.onnx'), true);
    assert.equal(etagSha256({ etag: `"${SHA}"` }), SHA);
    assert.equal(etagSha256({ 'x-linked-etag': `W/"${SHA.toUpperCase()}"`, etag: '"abc"' }), SHA);
    assert.equal(
      etagSha256({ etag: '"5d41402abc4b2a76b9719d911017c592"' }),
      undefined,
      'an md5-like git etag is not a sha256',
    );
  });

  describe('downloads', () => {
    let server: FixtureServer;
    let dir: string;
    const http = new HttpClient({ timeoutMs: 2_000, baseDelayMs: 5, maxAttempts: 3 });
    const target = () => path.join(dir, 'lab--m--model.onnx');
    const left = () => fs.readdirSync(dir);

    before(async () => {
      server = await startFixtureServer();
    });
    after(() => server.close());
    beforeEach(() => {
      server.reset();
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attractor-hub-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('follows the redirect, reports progress, checks length and sha256, and renames into place', async () => {
      server.route('/lab/m/resolve/main/model.onnx', {
        status: 302,
        headers: { location: '/cdn/blob', 'x-linked-etag': `"${SHA}"`, 'x-linked-size': String(BODY.length) },
      });
      server.route('/cdn/blob', { body: BODY, headers: { 'content-type': 'application/octet-stream' } });
      const seen: number[] = [];
      const result = await downloadHubFile({
        http,
        url: `${server.url}/lab/m/resolve/main/model.onnx`,
        target: target(),
        maxBytes: 1_000_000,
        auth: { token: 'tok', origin: new URL(server.url).origin },
        onProgress: (r) => seen.push(r),
      });
      assert.equal(result.sha256, SHA);
      assert.equal(result.bytes, BODY.length);
      assert.deepEqual(fs.readFileSync(target()), BODY);
      assert.deepEqual(left(), ['lab--m--model.onnx']);
      assert.equal(seen.at(-1), BODY.length);
      assert.equal(server.requestsTo('/lab/m/resolve/main/model.onnx')[0].headers.authorization, 'Bearer tok');
    });

    it('keeps nothing when the server fails (500 after the retries)', async () => {
      server.route('/f', { body: BODY });
      server.fault('/f', { kind: 'serverError' });
      await assert.rejects(
        downloadHubFile({ http, url: `${server.url}/f`, target: target(), maxBytes: 1_000_000 }),
        (e: unknown) => e instanceof SourceError && e.kind === 'unavailable',
      );
      assert.equal(server.requestsTo('/f').length, 3);
      assert.deepEqual(left(), []);
    });

    it('keeps nothing when the body is cut short, and leaves an earlier download untouched', async () => {
      fs.writeFileSync(target(), 'the earlier download');
      server.route('/f', { body: BODY });
      server.fault('/f', { kind: 'truncate', bytes: 40_000 });
      await assert.rejects(
        downloadHubFile({ http, url: `${server.url}/f`, target: target(), maxBytes: 1_000_000 }),
        (e: unknown) => e instanceof SourceError && e.kind === 'truncated',
      );
      assert.deepEqual(left(), ['lab--m--model.onnx']);
      assert.equal(fs.readFileSync(target(), 'utf8'), 'the earlier download');
    });

    it('recovers from one cut body by retrying', async () => {
      server.route('/f', { body: BODY });
      server.fault('/f', { kind: 'truncate' }, { times: 1 });
      await downloadHubFile({ http, url: `${server.url}/f`, target: target(), maxBytes: 1_000_000 });
      assert.deepEqual(fs.readFileSync(target()), BODY);
      assert.deepEqual(left(), ['lab--m--model.onnx']);
    });

    it('refuses a file over the limit, stating the size and the limit, before writing anything', async () => {
      server.route('/f', { body: BODY });
      await assert.rejects(
        downloadHubFile({
          http,
          url: `${server.url}/f`,
          target: target(),
          maxBytes: 50_000,
          limitHint: 'setting attractor.models.maxDownloadMB',
        }),
        (e: unknown) =>
          e instanceof DownloadError &&
          e.problem === 'tooLarge' &&
          /0\.1 MB, over the limit of 0\.0 MB \(setting attractor\.models\.maxDownloadMB\)/.test(e.message),
      );
      assert.deepEqual(left(), []);
      // announced on the redirect (the Hub's X-Linked-Size): the CDN is never asked
      server.route('/r', { status: 302, headers: { location: '/f', 'x-linked-size': String(500 * 1024 * 1024) } });
      await assert.rejects(
        downloadHubFile({ http, url: `${server.url}/r`, target: target(), maxBytes: 200 * 1024 * 1024 }),
        (e: unknown) => e instanceof DownloadError && /500 MB, over the limit of 200 MB/.test(e.message),
      );
      assert.equal(server.requestsTo('/f').length, 1);
      assert.deepEqual(left(), []);
    });

    it('stops a body that announced no length once it passes the limit', async () => {
      // The fixture server always sends Content-Length: a chunked answer needs a server of its own.
      const chunked = nodeHttp.createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write(BODY);
        res.end(BODY);
      });
      await new Promise<void>((resolve) => chunked.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = chunked.address() as AddressInfo;
        await assert.rejects(
          downloadHubFile({ http, url: `http://127.0.0.1:${port}/f`, target: target(), maxBytes: 150_000 }),
          (e: unknown) => e instanceof DownloadError && e.problem === 'tooLarge' && /over the limit/.test(e.message),
        );
        assert.deepEqual(left(), []);
      } finally {
        chunked.closeAllConnections();
        await new Promise((resolve) => chunked.close(resolve));
      }
    });

    it('keeps nothing when the checksum does not match', async () => {
      server.route('/f', { body: BODY, headers: { etag: `"${'0'.repeat(64)}"` } });
      await assert.rejects(
        downloadHubFile({ http, url: `${server.url}/f`, target: target(), maxBytes: 1_000_000 }),
        (e: unknown) => e instanceof DownloadError && e.problem === 'integrity' && /checksum/.test(e.message),
      );
      assert.deepEqual(left(), []);
    });

    it('says what a 404 and a 401 mean, and stops at once when cancelled', async () => {
      await assert.rejects(
        downloadHubFile({ http, url: `${server.url}/missing`, target: target(), maxBytes: 1_000_000 }),
        (e: unknown) => e instanceof DownloadError && e.problem === 'notFound',
      );
      server.route('/gated', { status: 401, body: 'no' });
      await assert.rejects(
        downloadHubFile({ http, url: `${server.url}/gated`, target: target(), maxBytes: 1_000_000 }),
        (e: unknown) => e instanceof DownloadError && /token/.test(e.message),
      );
      server.route('/slow', { body: BODY, delayMs: 5_000 });
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 50);
      const t0 = Date.now();
      await assert.rejects(
        downloadHubFile({
          http: new HttpClient({ timeoutMs: 10_000 }),
          url: `${server.url}/slow`,
          target: target(),
          maxBytes: 1_000_000,
          signal: abort.signal,
        }),
        (e: unknown) => e instanceof DownloadError && e.problem === 'cancelled',
      );
      assert.ok(Date.now() - t0 < 2_000);
      assert.deepEqual(left(), []);
    });
  });
});
