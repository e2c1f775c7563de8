/**
 * A repository the user opens must not choose where Attractor sends requests (and so the token): its
 * `.vscode/settings.json` naming a local fixture server as the endpoint gets no request there.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { monitorEventLoopDelay } from 'perf_hooks';
import type { AttractorApi } from '../../src/extension';
import type { RenderedAbstract } from '../../src/papers/paperPanel';
import { startFixtureServer, type FixtureServer } from '../fixtures/server';
import { recordFigure } from '../harness/figures';
import { arxivEntry, arxivFeed, DAILY, hfPaper } from '../unit/papersFixtures';
import { DEF_ABSTRACT_LONG, LINK_ATTACKS } from '../fixtures/hostileText';

const EXTENSION_ID = 'attractor-dev.attractor';

describe('security: workspace settings (in host)', function () {
  this.timeout(60_000);
  let user: FixtureServer;
  let attacker: FixtureServer;
  let api: AttractorApi;
  let settingsFile: string;
  let savedSettings: string | undefined;
  const config = () => vscode.workspace.getConfiguration('attractor');

  before(async () => {
    user = await startFixtureServer();
    attacker = await startFixtureServer();
    user.route('/api/daily_papers', { body: DAILY });
    attacker.route('/api/daily_papers', { body: DAILY });
    // fetchOnOpen first: with it on, an endpoint change refetches the day shown, and this test counts requests.
    await config().update('papers.fetchOnOpen', false, vscode.ConfigurationTarget.Global);
    await config().update('huggingface.endpoint', user.url, vscode.ConfigurationTarget.Global);
    await config().update('arxiv.endpoint', user.url, vscode.ConfigurationTarget.Global);
    api = await vscode.extensions.getExtension<AttractorApi>(EXTENSION_ID)!.activate();

    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    settingsFile = path.join(folder, '.vscode', 'settings.json');
    savedSettings = fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : undefined;
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    fs.writeFileSync(
      settingsFile,
      JSON.stringify({
        'attractor.huggingface.endpoint': attacker.url,
        'attractor.arxiv.endpoint': attacker.url,
        'attractor.models.maxDownloadMB': 1_000_000,
        // A window-scoped setting in the same file shows when the host has read it.
        'attractor.network.timeoutSeconds': 7,
      }),
    );
    const deadline = Date.now() + 20_000;
    // The host reads the file asynchronously (a file watcher): wait for it, not for a fixed time.
    while (config().get('network.timeoutSeconds') !== 7) {
      if (Date.now() > deadline) throw new Error('the workspace settings file was not read');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(async () => {
    if (savedSettings === undefined) fs.rmSync(settingsFile, { force: true });
    else fs.writeFileSync(settingsFile, savedSettings);
    for (const key of ['huggingface.endpoint', 'arxiv.endpoint', 'papers.fetchOnOpen'])
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await user.close();
    await attacker.close();
  });

  it('a workspace naming its own server as endpoint gets no request; the user’s endpoint is used', async () => {
    await vscode.commands.executeCommand('attractor.refreshPapers');
    assert.equal(
      attacker.requests.length,
      0,
      `requests reached the workspace's server: ${attacker.requests.map((r) => r.url).join(', ')}`,
    );
    assert.equal(user.requestsTo('/api/daily_papers').length, 1);
    assert.equal(api.papers.huggingFaceHub().endpoint, user.url);
  });

  it('a note written from an abstract with command: links has no link VS Code would follow but https and mailto', async () => {
    const id = '2401.00031';
    const title = 'Chaos [run](command:workbench.action.terminal.new) <command:evil>';
    user.route('/api/query', { body: arxivFeed([arxivEntry({ id: `${id}v1`, title, summary: LINK_ATTACKS })]) });
    user.route(`/api/papers/${id}`, { body: hfPaper({ id, title, summary: LINK_ATTACKS }) });
    const added = await vscode.commands.executeCommand<string>('attractor.addPaper', id);
    assert.ok(added, 'the paper was added');
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('attractor.annotatePaper', added);
    assert.ok(editor, 'the note was written');
    const note = editor.document.uri;
    try {
      assert.match(editor.document.getText(), /## Abstract/);
      // The links VS Code's Markdown support makes clickable (Ctrl+Click) in the note.
      const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', note);
      const targets = links.map((l) => l.target?.toString(true) ?? '(resolved later)');
      assert.ok(
        links.every((l) => l.target && /^(https|mailto)$/.test(l.target.scheme)),
        `links: ${targets.join(', ')}`,
      );
      assert.ok(targets.includes('https://arxiv.org/abs/2306.04406'), `the https link stays: ${targets.join(', ')}`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.workspace.fs.delete(note);
    }
  });

  it('an abstract of \\def formulas is shown with each refused, without blocking the extension host', async function () {
    // A webview of a kind already shown may wait up to ~30 s for its service worker in this runner's page.
    this.timeout(120_000);
    const id = '2401.00032';
    const title = 'Fourteen macro definitions';
    user.route('/api/query', { body: arxivFeed([arxivEntry({ id: `${id}v1`, title, summary: DEF_ABSTRACT_LONG })]) });
    user.route(`/api/papers/${id}`, { body: hfPaper({ id, title, summary: DEF_ABSTRACT_LONG }) });
    const rendered = new Promise<RenderedAbstract>((resolve) => {
      const sub = api.paperPanels.onDidRender((r) => {
        if (r.paperId !== id) return;
        sub.dispose();
        resolve(r);
      });
    });
    // Add Paper as a user runs it: fetched, stored, opened; the host's event loop watched until the abstract is
    // in the panel (perf_hooks, 5 ms resolution).
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const added = await vscode.commands.executeCommand<string>('attractor.addPaper', id);
    const { abstractHtml, ms } = await rendered;
    delay.disable();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal(added, id, 'the paper was added');
    // 14 formulas, each defining a macro: each is shown as its source with the reason, none expanded (before the
    // refusal this abstract rendered for 9.6 s into 74 MB of HTML).
    assert.equal(abstractHtml.match(/class="tex-refused"/g)?.length, 14);
    assert.ok(!abstractHtml.includes('class="katex"'), 'no formula rendered');
    assert.ok(abstractHtml.length < 50_000, `${abstractHtml.length} characters`);
    const blockMs = Math.round(delay.max / 1e5) / 10;
    recordFigure({
      name: 'paper panel of the \\def abstract (11.5k characters), its webview ready to the abstract posted, in the host',
      value: Math.round(ms * 10) / 10,
      unit: 'ms',
      beside: 'goal ≤ 200 ms',
    });
    recordFigure({
      name: 'the extension host’s longest event-loop block from Add Paper to that abstract posted',
      value: blockMs,
      unit: 'ms',
      beside: 'goal < 50 ms; seconds before the refusal: npm run bench -- renderHostile',
    });
    // Timings are figures, not assertions (a loaded machine delays any event loop); this bound only fails if the
    // formulas were rendered on the host's thread again, which blocked it for seconds.
    assert.ok(blockMs < 1000, `the extension host was blocked for ${blockMs} ms`);
  });

  it('a notes folder that is a symbolic link out of the workspace is refused; nothing is written there', async () => {
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'attractor-outside-'));
    const link = path.join(root, 'linked-notes');
    fs.symlinkSync(outside, link);
    const notes = vscode.workspace.getConfiguration('attractor.notes');
    await notes.update('folder', 'linked-notes', vscode.ConfigurationTarget.Workspace);
    try {
      const paper = (await api.listPapers())[0];
      const editor = await vscode.commands.executeCommand('attractor.annotatePaper', paper.id);
      assert.strictEqual(editor, undefined);
      assert.deepEqual(fs.readdirSync(outside), []);
    } finally {
      await notes.update('folder', undefined, vscode.ConfigurationTarget.Workspace);
      fs.rmSync(link, { force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
