import * as assert from 'node:assert/strict';
import { parseHostMessage, parsePaperPanelState, parsePaperWebviewMessage } from '../../src/panels/paperProtocol';
import { contentSecurityPolicy, renderShell } from '../../src/panels/webviewHtml';

describe('paper panel protocol', () => {
  it('accepts only known webview messages, dropping extra fields', () => {
    assert.deepEqual(parsePaperWebviewMessage({ type: 'ready', extra: 1 }), { type: 'ready' });
    for (const bad of [null, 'ready', [], { type: 'eval' }, { type: 7 }, { kind: 'ready' }]) {
      assert.equal(parsePaperWebviewMessage(bad), undefined, JSON.stringify(bad));
    }
  });

  it('validates restored panel state', () => {
    assert.deepEqual(parsePaperPanelState({ paperId: 'local:abc' }), { paperId: 'local:abc' });
    assert.equal(parsePaperPanelState({ paperId: '' }), undefined);
    assert.equal(parsePaperPanelState({ paperId: 'x'.repeat(500) }), undefined);
    assert.equal(parsePaperPanelState(undefined), undefined);
  });

  it('validates host messages in the webview', () => {
    const paper = { id: 'a', title: 't', authors: '1 author', date: 'Jan 1, 2025', abstractHtml: '<p>x</p>' };
    assert.deepEqual(parseHostMessage({ type: 'render', paper }), { type: 'render', paper });
    assert.equal(parseHostMessage({ type: 'render', paper: { ...paper, title: 3 } }), undefined);
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
    const html = renderShell({ title: '<script>x</script>', cspSource: 'src', nonce: 'n1', scriptUri: 'a.js', styleUris: ['a.css'], body: '' });
    assert.doesNotMatch(html, /<title><script>/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, /<script nonce="n1" src="a.js">/);
  });
});
