import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  parsePdfEditorState,
  parsePdfHostMessage,
  parsePdfWebviewMessage,
  spansHoldingQuote,
} from '../../src/pdf/pdfProtocol';
import { contentSecurityPolicy } from '../../src/webview/webviewHtml';
import { parseAnnotationFile, serializeAnnotationFile } from '../../src/notes/annotations/annotationFile';
import { SourceError } from '../../src/core/httpErrors';
import { HttpClient } from '../../src/core/http';
import { arxivPdfUrl, clampMaxPdfMB, downloadPdf } from '../../src/pdf/pdfDownload';
import { paperIdOfPdfFileName, pdfFileName, pdfFileProblem } from '../../src/pdf/pdfFiles';
import { DownloadError } from '../../src/core/download';
import { startFixtureServer, type FixtureServer } from '../fixtures/server';
import { makePdf } from '../fixtures/pdfs';

describe('PDFs: files, download and protocol', () => {
  it('names a paper’s PDF file so that any id is a safe file name and comes back from it', () => {
    assert.equal(pdfFileName('2306.04406'), '2306.04406.pdf');
    assert.equal(pdfFileName('local:ab/c*d'), 'local%3Aab%2Fc%2Ad.pdf');
    assert.equal(pdfFileName('Lyapunov–Koopman'), 'Lyapunov%E2%80%93Koopman.pdf');
    for (const id of ['2306.04406', 'local:ab/c*d', 'Lyapunov–Koopman', 'a%b', '..']) {
      assert.equal(paperIdOfPdfFileName(pdfFileName(id)), id, id);
    }
    for (const name of ['paper.PDF', 'local:x.pdf', '%zz.pdf', 'a%2e.pdf', '.pdf', 'x.pdf.part']) {
      assert.equal(paperIdOfPdfFileName(name), undefined, name);
    }
  });

  it('builds the PDF URL from the arXiv endpoint', () => {
    assert.equal(arxivPdfUrl('https://export.arxiv.org/', '2306.04406v2'), 'https://export.arxiv.org/pdf/2306.04406v2');
    assert.equal(arxivPdfUrl('http://127.0.0.1:9', 'math/0601001'), 'http://127.0.0.1:9/pdf/math/0601001');
  });

  it('clamps the download limit setting', () => {
    assert.equal(clampMaxPdfMB(undefined), 100);
    assert.equal(clampMaxPdfMB('5'), 100);
    assert.equal(clampMaxPdfMB(0), 1);
    assert.equal(clampMaxPdfMB(1e9), 2000);
    assert.equal(clampMaxPdfMB(20), 20);
  });

  it('allows workers only from blobs and fetches only from the extension, on the PDF page alone', () => {
    const pdf = contentSecurityPolicy('https://res.example', 'N', true);
    assert.match(pdf, /connect-src https:\/\/res\.example;/);
    assert.match(pdf, /worker-src blob:;/);
    assert.doesNotMatch(pdf, /unsafe-eval|wasm-unsafe-eval/);
    assert.doesNotMatch(contentSecurityPolicy('https://res.example', 'N'), /worker-src|connect-src/);
  });

  it('accepts only well-formed messages from the webview and the host', () => {
    assert.deepEqual(parsePdfWebviewMessage({ type: 'ready', x: 1 }), { type: 'ready' });
    assert.deepEqual(parsePdfWebviewMessage({ type: 'annotateSelection', page: 2, text: 'a passage' }), {
      type: 'annotateSelection',
      page: 2,
      text: 'a passage',
    });
    for (const bad of [
      null,
      { type: 'annotateSelection', page: 0, text: 'x' },
      { type: 'annotateSelection', page: 1.5, text: 'x' },
      { type: 'annotateSelection', page: '2', text: 'x' },
      { type: 'annotateSelection', page: 2, text: '  ' },
      { type: 'annotateSelection', page: 2, text: 'x'.repeat(20_001) },
      { type: 'openExternal', url: 'https://example.com' },
    ]) {
      assert.equal(parsePdfWebviewMessage(bad), undefined, JSON.stringify(bad));
    }
    assert.equal(parsePdfWebviewMessage({ type: 'failed', message: 'x'.repeat(900) })?.type, 'failed');
    const data = new Uint8Array([37, 80]);
    assert.deepEqual(parsePdfHostMessage({ type: 'load', data, highlights: [], canAnnotate: true }), {
      type: 'load',
      data,
      highlights: [],
      canAnnotate: true,
    });
    assert.equal(parsePdfHostMessage({ type: 'load', data: [37], highlights: [], canAnnotate: true }), undefined);
    assert.equal(
      parsePdfHostMessage({ type: 'highlights', highlights: [{ page: 0, quote: 'q', comment: '' }] }),
      undefined,
    );
    assert.deepEqual(parsePdfEditorState({ page: 3, scale: 1.5 }), { page: 3, scale: 1.5 });
    assert.deepEqual(parsePdfEditorState({ page: 3, scale: 99 }), { page: 3 });
    assert.equal(parsePdfEditorState({ page: -1 }), undefined);
  });

  it('finds the text spans that hold a quote, whatever the spans’ whitespace', () => {
    const spans = ['The strange ', 'attractor has', ' ', 'a fractal dimen', 'sion.', 'Next line.'];
    assert.deepEqual(spansHoldingQuote(spans, 'attractor has a fractal dimension.'), [1, 3, 4]);
    assert.deepEqual(spansHoldingQuote(spans, 'strange\nattractor'), [0, 1]);
    assert.deepEqual(spansHoldingQuote(spans, 'not on this page'), []);
    assert.deepEqual(spansHoldingQuote(spans, '   '), []);
  });

  it('keeps the PDF page and quote of an annotation in the note’s sidecar', () => {
    const text = JSON.stringify({
      version: 1,
      note: 'n.md',
      annotations: [
        { id: 'a', quote: 'q', prefix: '', suffix: '', offset: 0, pdf: { page: 2, quote: 'q' }, comments: [] },
        { id: 'b', quote: 'r', comments: [], pdf: { page: 0, quote: 'r' } },
      ],
    });
    const file = parseAnnotationFile(text, 'n.md');
    assert.deepEqual(file.annotations[0].pdf, { page: 2, quote: 'q' });
    assert.equal(file.annotations[1].pdf, undefined, 'page 0 is no page');
    const again = parseAnnotationFile(serializeAnnotationFile(file), 'n.md');
    assert.deepEqual(again.annotations[0].pdf, { page: 2, quote: 'q' });
    assert.ok(!('pdf' in JSON.parse(serializeAnnotationFile(file)).annotations[1]));
  });

  describe('download into storage', () => {
    let server: FixtureServer;
    let dir: string;
    let pdf: Buffer;
    const http = new HttpClient({ timeoutMs: 2_000, baseDelayMs: 5, maxAttempts: 2 });
    const target = () => path.join(dir, '2510.11111.pdf');
    const left = () => fs.readdirSync(dir);
    const get = (route: string, maxBytes = 1_000_000) =>
      downloadPdf({ http, url: `${server.url}${route}`, target: target(), maxBytes });

    before(async () => {
      server = await startFixtureServer();
      pdf = await makePdf([['Page one.'], ['Page two.']]);
    });
    after(() => server.close());
    beforeEach(() => {
      server.reset();
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attractor-pdf-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('keeps a whole PDF under its name', async () => {
      server.route('/pdf/x', { body: pdf, headers: { 'content-type': 'application/pdf' } });
      const result = await get('/pdf/x');
      assert.equal(result.bytes, pdf.length);
      assert.deepEqual(fs.readFileSync(target()), pdf);
      assert.deepEqual(left(), ['2510.11111.pdf']);
      assert.equal(await pdfFileProblem(target()), undefined);
    });

    it('keeps nothing of a cut download', async () => {
      server.route('/pdf/x', { body: pdf });
      server.fault('/pdf/x', { kind: 'truncate' });
      await assert.rejects(get('/pdf/x'), (e: unknown) => e instanceof SourceError && e.kind === 'truncated');
      assert.deepEqual(left(), []);
    });

    it('keeps nothing of a PDF over the limit', async () => {
      server.route('/pdf/x', { body: pdf });
      await assert.rejects(
        get('/pdf/x', 100),
        (e: unknown) =>
          e instanceof DownloadError && e.problem === 'tooLarge' && /Nothing was downloaded/.test(e.message),
      );
      assert.deepEqual(left(), []);
    });

    it('refuses what is not a whole PDF: an HTML page, a body cut without a length', async () => {
      server.route('/pdf/html', { body: '<!DOCTYPE html><title>Sign in</title>' });
      await assert.rejects(
        get('/pdf/html'),
        (e: unknown) => e instanceof DownloadError && e.problem === 'integrity' && /not a PDF/.test(e.message),
      );
      server.route('/pdf/half', { body: pdf.subarray(0, pdf.length - 200) });
      await assert.rejects(
        get('/pdf/half'),
        (e: unknown) =>
          e instanceof DownloadError && /incomplete/.test(e.message) && /Nothing was kept/.test(e.message),
      );
      assert.deepEqual(left(), []);
    });
  });
});
