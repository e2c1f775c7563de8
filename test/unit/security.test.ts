/**
 * What an attacker controls (a workspace's settings, a Hub listing, a server named as endpoint) must not reach
 * the user's token or files: the token's origin policy, redirects, download names, icons and the notes folder.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { escapesRoot } from '../../src/notes/confinedPath';
import { renderNote } from '../../src/notes/noteDocument';
import type { Paper } from '../../src/papers/paper';
import { createAbstractRenderer } from '../../src/render/abstractRenderer';
import { isSafeLink, markdownText } from '../../src/render/untrustedMarkdown';
import { authAfterRedirect, HttpClient, isLoopbackHost, mayCarryToken, originOf } from '../../src/core/http';
import { HuggingFaceSource } from '../../src/papers/sources/huggingface';
import { DEFAULT_TOKEN_ORIGIN, tokenDecision } from '../../src/papers/sources/tokenOrigin';
import { clampMaxDownloadMB, downloadedFileName, escapeIcons, MAX_DOWNLOAD_MB_LIMIT } from '../../src/zoo/hubModels';
import { startFixtureServer, type FixtureServer } from '../fixtures/server';
import { LINK_ATTACKS } from '../fixtures/hostileText';
import { DAILY } from './papersFixtures';

describe('security: the Hugging Face token goes only where it was set for', () => {
  it('is sent over https to its own origin, or over http to this machine only', () => {
    const hub = 'https://huggingface.co';
    assert.equal(mayCarryToken('https://huggingface.co/api/daily_papers', hub), true);
    assert.equal(mayCarryToken('http://huggingface.co/api/daily_papers', hub), false, 'same host, plain http');
    assert.equal(mayCarryToken('https://huggingface.co:8443/api', hub), false, 'another port');
    assert.equal(mayCarryToken('https://evil.example/api', hub), false);
    assert.equal(mayCarryToken('http://attacker.example/api', 'http://attacker.example'), false, 'http off-machine');
    assert.equal(mayCarryToken('http://127.0.0.1:8080/api', 'http://127.0.0.1:8080'), true);
    assert.equal(mayCarryToken('http://[::1]:8080/api', 'http://[::1]:8080'), true);
    assert.equal(isLoopbackHost('localhost'), true);
    assert.equal(isLoopbackHost('127.0.0.2'), false);
    assert.equal(isLoopbackHost('localhost.attacker.example'), false);
    assert.equal(originOf('javascript:alert(1)'), undefined);
  });

  it('another origin than the one it was set for is asked about; plain http off this machine never gets it', () => {
    assert.deepEqual(tokenDecision('https://huggingface.co/', DEFAULT_TOKEN_ORIGIN), {
      action: 'send',
      origin: 'https://huggingface.co',
    });
    assert.equal(tokenDecision('https://mirror.example', DEFAULT_TOKEN_ORIGIN).action, 'ask');
    assert.equal(tokenDecision('http://127.0.0.1:9000', DEFAULT_TOKEN_ORIGIN).action, 'ask');
    assert.equal(tokenDecision('http://attacker.example', DEFAULT_TOKEN_ORIGIN).action, 'never');
    assert.equal(tokenDecision('http://huggingface.co', DEFAULT_TOKEN_ORIGIN).action, 'never');
    assert.equal(
      tokenDecision('https://mirror.example', DEFAULT_TOKEN_ORIGIN, new Set(['https://mirror.example'])).action,
      'send',
    );
  });

  it('a redirect keeps the token only on the same origin (https → http on one host drops it)', () => {
    const auth = { token: 't', origin: 'https://huggingface.co' };
    const from = new URL('https://huggingface.co/a');
    assert.equal(authAfterRedirect(from, new URL('https://huggingface.co/b'), auth), auth);
    assert.equal(authAfterRedirect(from, new URL('http://huggingface.co/b'), auth), undefined);
    assert.equal(authAfterRedirect(from, new URL('https://huggingface.co:444/b'), auth), undefined);
    assert.equal(authAfterRedirect(from, new URL('https://cdn-lfs.huggingface.co/b'), auth), undefined);
  });

  describe('against fixture servers', function () {
    this.timeout(10_000);
    let bound: FixtureServer;
    let other: FixtureServer;
    before(async () => {
      bound = await startFixtureServer();
      other = await startFixtureServer();
    });
    after(async () => {
      await bound.close();
      await other.close();
    });
    beforeEach(() => {
      bound.reset();
      other.reset();
    });

    it('a source pointed at another server sends no token there, even one passed as a header', async () => {
      other.route('/api/daily_papers', { body: DAILY });
      const http = new HttpClient({ timeoutMs: 2_000, maxAttempts: 1 });
      const source = new HuggingFaceSource({
        endpoint: other.url,
        http,
        auth: async () => ({ token: 'hf_secret', origin: new URL(bound.url).origin }),
      });
      await source.daily('2025-10-29');
      await http.get(`${other.url}/api/daily_papers`, { headers: { Authorization: 'Bearer hf_secret' } });
      assert.equal(other.requestsTo('/api/daily_papers').length, 2);
      for (const req of other.requests) assert.equal(req.headers.authorization, undefined);
    });

    it('a download redirected to another origin and back arrives without the token', async () => {
      bound.route('/file', { status: 302, headers: { location: `${other.url}/hop` } });
      other.route('/hop', { status: 302, headers: { location: `${bound.url}/final` } });
      bound.route('/final', { body: Buffer.from('onnx'), headers: { 'content-type': 'application/octet-stream' } });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attractor-sec-'));
      try {
        const http = new HttpClient({ timeoutMs: 2_000, maxAttempts: 1 });
        await http.download(`${bound.url}/file`, path.join(dir, 'f'), {
          maxBytes: 100,
          auth: { token: 'hf_secret', origin: new URL(bound.url).origin },
        });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      assert.equal(bound.requestsTo('/file')[0].headers.authorization, 'Bearer hf_secret');
      assert.equal(other.requestsTo('/hop')[0].headers.authorization, undefined);
      assert.equal(bound.requestsTo('/final')[0].headers.authorization, undefined);
    });
  });
});

describe('security: names from the Hub', () => {
  it('a--b/c and a/b--c download to different names; clean names stay readable', () => {
    assert.notEqual(downloadedFileName('a--b/c', 'm.onnx'), downloadedFileName('a/b--c', 'm.onnx'));
    assert.notEqual(downloadedFileName('a/b', 'c--d.onnx'), downloadedFileName('a/b--c', 'd.onnx'));
    assert.notEqual(downloadedFileName('m', 'x/y.onnx'), downloadedFileName('m/x', 'y.onnx'));
    assert.notEqual(downloadedFileName('a/b', 'x y.onnx'), downloadedFileName('a/b', 'x_y.onnx'));
    assert.equal(downloadedFileName('lab/m', 'onnx/step.onnx'), 'lab--m--onnx--step.onnx');
    for (const name of [downloadedFileName('a--b/c', 'm.onnx'), downloadedFileName('a/b', '../x.onnx')])
      assert.match(name, /^[A-Za-z0-9._+-]+\.onnx$/);
  });

  it('$(icon) in a file name is shown as text in a quick pick', () => {
    assert.equal(escapeIcons('$(alert) model.onnx'), '\\$(alert) model.onnx');
    assert.equal(escapeIcons('plain.onnx'), 'plain.onnx');
  });

  it('the download limit is bounded at run time whatever the setting says', () => {
    assert.equal(clampMaxDownloadMB(1e12), MAX_DOWNLOAD_MB_LIMIT);
    assert.equal(clampMaxDownloadMB(-5), 1);
    assert.equal(clampMaxDownloadMB('9999999'), 200);
    assert.equal(clampMaxDownloadMB(Number.POSITIVE_INFINITY), 200);
    assert.equal(clampMaxDownloadMB(50), 50);
  });
});

describe('security: the notes folder stays inside the workspace', () => {
  let root: string;
  let outside: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'attractor-ws-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'attractor-out-'));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('a folder that is a symbolic link out of the workspace is refused, anywhere on the way', async () => {
    fs.symlinkSync(outside, path.join(root, 'papers'));
    assert.equal(
      await escapesRoot(root, path.join(root, 'papers', 'x.md')),
      path.join(fs.realpathSync(outside), 'x.md'),
    );
    fs.mkdirSync(path.join(root, 'notes'));
    fs.symlinkSync(outside, path.join(root, 'notes', 'deep'));
    assert.ok(await escapesRoot(root, path.join(root, 'notes', 'deep', 'new', 'x.md')));
  });

  it('a real folder, a missing one, or a link that stays inside is fine', async () => {
    fs.mkdirSync(path.join(root, 'real'));
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'alias'));
    assert.equal(await escapesRoot(root, path.join(root, 'real', 'x.md')), undefined);
    assert.equal(await escapesRoot(root, path.join(root, 'not', 'yet', 'x.md')), undefined);
    assert.equal(await escapesRoot(root, path.join(root, 'alias', 'x.md')), undefined);
  });
});

function hrefs(html: string): string[] {
  return [...html.matchAll(/\b(?:href|src)="([^"]*)"/g)].map((m) => m[1]);
}

describe('security: links from the network', () => {
  const paper: Paper = {
    id: '2401.00002',
    arxivId: '2401.00002',
    title: 'Chaos [run](command:workbench.action.terminal.new) <command:evil>',
    abstract: `We study $x^2$ flows.\n\n${LINK_ATTACKS}`,
    authors: ['A. Author'],
    authorCount: 1,
    published: '2024-01-02',
    sources: ['arxiv'],
  } as Paper;

  it('a note written from the paper has no link but http, https and mailto, and keeps its math', () => {
    const note = renderNote(paper);
    // VS Code's Markdown (preview and the editor's links) reads the note as CommonMark with raw HTML on.
    const html = new MarkdownIt({ html: true, linkify: true }).render(note);
    const links = hrefs(html);
    for (const link of links) assert.match(link, /^(https:\/\/|mailto:)/, html);
    assert.ok(links.includes('https://arxiv.org/abs/2306.04406') && links.includes('mailto:a@b.c'), 'safe links stay');
    assert.ok(!/<a href="command|<img/.test(html));
    assert.match(note, /> We study \$x\^2\$ flows\./);
    assert.match(note, /^# Chaos \[run\]&#40;command:workbench\.action\.terminal\.new\) &lt;command:evil>$/m);
  });

  it('network text in a hover or tooltip renders as the same text with no link, icon or HTML', () => {
    const text = `${LINK_ATTACKS} $(alert) *bold* # h & &amp; \\`;
    const md = new MarkdownIt({ html: true, linkify: false });
    const html = md.render(markdownText(text));
    assert.deepEqual(hrefs(html), []);
    assert.ok(!/<(a|img|strong|em|h1|code)\b/.test(html), html);
    const shown = html
      .replace(/<\/?p>/g, '')
      .replace(/<br>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ')
      .trim();
    assert.equal(shown, text.replace(/\s+/g, ' ').trim());
    assert.ok(markdownText('$(alert)').startsWith('\\$\\('), 'no theme icon');
  });

  it('the paper panel makes links to http, https and mailto only', () => {
    const html = createAbstractRenderer().render(LINK_ATTACKS);
    assert.deepEqual(hrefs(html).sort(), ['https://arxiv.org/abs/2306.04406', 'mailto:a@b.c'].sort(), html);
    assert.deepEqual(hrefs(createAbstractRenderer().render('[v](vscode:extension/x) [c](command:x)')), []);
  });

  it('only links written as http://, https:// or mailto: count as safe', () => {
    for (const ok of ['https://x', 'HTTP://x', ' mailto:a@b']) assert.equal(isSafeLink(ok), true, ok);
    for (const bad of ['command:x', 'vscode:x', 'data:x', 'javascript:x', 'file:///etc', 'x.md', 'h&#116;tp://x'])
      assert.equal(isSafeLink(bad), false, bad);
  });
});
