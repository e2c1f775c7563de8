import * as assert from 'node:assert/strict';
import { parseHostToPaperWebview, parsePaperPanelState, parsePaperWebviewToHost } from '../../src/papers/paperProtocol';
import { contentSecurityPolicy, renderShell } from '../../src/webview/webviewHtml';

describe('paper panel protocol', () => {
  it('accepts only known webview messages, dropping extra fields', () => {
    assert.deepEqual(parsePaperWebviewToHost({ type: 'ready', extra: 1 }), { type: 'ready' });
    for (const bad of [null, 'ready', [], { type: 'eval' }, { type: 7 }, { kind: 'ready' }]) {
      assert.equal(parsePaperWebviewToHost(bad), undefined, JSON.stringify(bad));
    }
    for (const type of ['copyAbstract', 'copyBibtex', 'openArxiv', 'openHuggingFace', 'annotate']) {
      assert.deepEqual(parsePaperWebviewToHost({ type, text: 'x' }), { type });
    }
  });

  it('accepts a selection to annotate only as bounded, non-empty text', () => {
    assert.deepEqual(parsePaperWebviewToHost({ type: 'annotateSelection', text: 'a passage' }), {
      type: 'annotateSelection',
      text: 'a passage',
    });
    for (const text of [undefined, 3, '', '   ', 'x'.repeat(20_001), { toString: 'x' }]) {
      assert.equal(parsePaperWebviewToHost({ type: 'annotateSelection', text }), undefined, JSON.stringify(text));
    }
  });

  it('validates restored panel state', () => {
    assert.deepEqual(parsePaperPanelState({ paperId: 'local:abc' }), { paperId: 'local:abc' });
    assert.deepEqual(parsePaperPanelState({ paperId: 'local:abc', showOriginal: true }), {
      paperId: 'local:abc',
      showOriginal: true,
    });
    assert.deepEqual(parsePaperPanelState({ paperId: 'local:abc', showOriginal: 'yes' }), { paperId: 'local:abc' });
    assert.equal(parsePaperPanelState({ paperId: '' }), undefined);
    assert.equal(parsePaperPanelState({ paperId: 'x'.repeat(500) }), undefined);
    assert.equal(parsePaperPanelState(undefined), undefined);
  });

  it('validates host messages in the webview', () => {
    const paper = {
      id: 'a',
      title: 't',
      authors: '1 author',
      date: 'Jan 1, 2025',
      abstractHtml: '<p>x</p>',
      originalAbstract: 'x',
      hasArxivId: false,
    };
    assert.deepEqual(parseHostToPaperWebview({ type: 'render', paper }), { type: 'render', paper });
    assert.equal(parseHostToPaperWebview({ type: 'render', paper: { ...paper, title: 3 } }), undefined);
    assert.equal(parseHostToPaperWebview({ type: 'render', paper: { ...paper, hasArxivId: 'no' } }), undefined);
    assert.deepEqual(parseHostToPaperWebview({ type: 'status', message: 'Copied' }), {
      type: 'status',
      message: 'Copied',
    });
    assert.deepEqual(parseHostToPaperWebview({ type: 'requestSelection', extra: 1 }), { type: 'requestSelection' });
  });
});

describe('webview shell', () => {
  it('allows scripts only with the nonce and loads nothing by default', () => {
    const csp = contentSecurityPolicy('https://res.example', 'N0nce');
    assert.match(csp, /default-src 'none'/);
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
    assert.equal(scriptSrc.trim(), "script-src 'nonce-N0nce'");
  });

  it('escapes the title and puts the nonce on its one script', () => {
    const html = renderShell({
      title: '<script>x</script>',
      cspSource: 'src',
      nonce: 'n1',
      scriptUri: 'a.js',
      styleUris: ['a.css'],
      body: '',
    });
    assert.doesNotMatch(html, /<title><script>/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, /<script nonce="n1" src="a.js">/);
  });
});
