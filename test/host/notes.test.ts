/**
 * Notes, paper links and annotations inside the real extension host: the commands write real files in the
 * test workspace, and the Markdown features are queried through VS Code's own provider commands.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { citeKey } from '../../src/papers/bibtex';
import { startFixtureServer } from '../fixtures/server';
import { waitFor } from '../harness/poll';
import { arxivEntry, arxivFeed, hfPaper } from '../unit/papersFixtures';
import type { Paper } from '../../src/papers/paper';

const EXTENSION_ID = 'attractor-dev.attractor';
const WESTERLUND = 'Structure and Dynamics of the Young Massive Star Cluster Westerlund 1';
const GROKKING = 'Provable Scaling Laws of Feature Emergence from Learning Dynamics of Grokking';

interface AnnotationState {
  id: string;
  quote: string;
  span: { start: number; end: number } | undefined;
  comments: string[];
  resolved: boolean;
}
interface Api {
  listPapers(): Promise<readonly Paper[]>;
  extendMarkdownIt(md: unknown): unknown;
  annotationsOf(note: vscode.Uri): Promise<AnnotationState[]>;
  papers: { feeds: { addPaper(ref: { id: string }): Promise<unknown> } };
}

async function api(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

async function paperId(title: string): Promise<string> {
  const paper = (await (await api()).listPapers()).find((p) => p.title === title);
  assert.ok(paper, `"${title}" is in the library`);
  return paper.id;
}

function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test host opened a workspace folder');
  return folder.uri;
}

async function read(uri: vscode.Uri): Promise<string> {
  return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
}

async function createNote(title: string): Promise<vscode.TextEditor> {
  const editor = await vscode.commands.executeCommand<vscode.TextEditor | undefined>(
    'attractor.annotatePaper',
    await paperId(title),
  );
  assert.ok(editor, 'Annotate Paper opened the note');
  return editor;
}

describe('notes (in host)', function () {
  this.timeout(60_000);

  it('Annotate Paper creates papers/<id>.md with frontmatter, the repaired abstract and a Notes section', async () => {
    const editor = await createNote(WESTERLUND);
    const uri = editor.document.uri;
    assert.ok(uri.path.startsWith(`${workspaceRoot().path}/papers/`), uri.path);
    assert.match(uri.path, /\/papers\/local-[0-9a-f]{12}-[0-9a-f]{8}\.md$/);
    const text = await read(uri);
    const id = await paperId(WESTERLUND);
    assert.ok(text.startsWith(`---\nid: "${id}"\narxiv: null\ntitle: "${WESTERLUND}"\n`), text.slice(0, 300));
    assert.match(text, /\ndate: "\d{4}-\d{2}-\d{2}"\n/);
    assert.match(text, /\nlinks:\n {2}- "https:\/\/huggingface\.co\/papers\?q=/);
    assert.match(text, /\ntags:\n {2}- "paper"\n---\n/);
    assert.match(text, /^> .*\$\\Lambda_\{\\rm MSR\}=1\.11\\pm 0\.11\$/m);
    assert.match(text, /\n## Notes\n/);
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
  });

  it('never overwrites a note: running it again opens the edited note unchanged', async () => {
    const editor = await createNote(WESTERLUND);
    const uri = editor.document.uri;
    const edited = `${await read(uri)}\nMy own thoughts.\n`;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(edited, 'utf8'));
    const again = await createNote(WESTERLUND);
    assert.strictEqual(again.document.uri.toString(), uri.toString());
    assert.strictEqual(await read(uri), edited);
  });

  it('Open Note opens the existing note', async () => {
    const note = await createNote(WESTERLUND);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const opened = await vscode.commands.executeCommand<vscode.TextEditor | undefined>('attractor.openNote', {
      paper: { id: await paperId(WESTERLUND) },
    });
    assert.strictEqual(opened?.document.uri.toString(), note.document.uri.toString());
  });

  it('refuses a notes folder outside the workspace and writes nothing', async () => {
    const config = vscode.workspace.getConfiguration('attractor.notes');
    await config.update('folder', '../outside', vscode.ConfigurationTarget.Workspace);
    try {
      const editor = await vscode.commands.executeCommand('attractor.annotatePaper', await paperId(GROKKING));
      assert.strictEqual(editor, undefined);
      await assert.rejects(
        Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.joinPath(workspaceRoot(), '..', 'outside'))),
      );
    } finally {
      await config.update('folder', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('annotates a passage, keeps it attached through edits around it, orphans it when it is deleted', async () => {
    const editor = await createNote(WESTERLUND);
    const doc = editor.document;
    const passage = 'mass segregation ratio';
    const start = doc.getText().indexOf(passage);
    assert.ok(start > 0);
    const range = new vscode.Range(doc.positionAt(start), doc.positionAt(start + passage.length));
    const id = await vscode.commands.executeCommand<string>(
      'attractor.annotateSelection',
      doc.uri,
      range,
      'Is 1σ enough?',
    );
    assert.ok(id, 'an annotation was created');

    const sidecar = vscode.Uri.joinPath(
      doc.uri,
      '..',
      doc.uri.path.split('/').pop()!.replace(/\.md$/, '.annotations.json'),
    );
    const stored = JSON.parse(await read(sidecar));
    const saved = stored.annotations.find((a: { id: string }) => a.id === id);
    assert.strictEqual(saved.quote, passage);
    assert.deepStrictEqual(
      saved.comments.map((c: { body: string }) => c.body),
      ['Is 1σ enough?'],
    );

    // Edit around the passage: a paragraph before it and words right after it.
    const ok = await editor.edit((b) => {
      b.insert(new vscode.Position(doc.positionAt(start).line, 0), '> Inserted before.\n>\n');
      b.insert(doc.positionAt(start + passage.length), ' (as measured)');
    });
    assert.ok(ok);
    const moved = await waitFor(
      async () => {
        const s = (await (await api()).annotationsOf(doc.uri)).find((a) => a.id === id);
        return s?.span && s.span.start !== start ? s : undefined;
      },
      { message: 'the annotation to follow its passage', timeout: 10_000 },
    );
    assert.ok(moved.span);
    assert.strictEqual(doc.getText().slice(moved.span.start, moved.span.end), passage);

    await doc.save();
    // The sidecar is written when the save has happened (onDidSave), through the atomic write: wait for it.
    await waitFor(
      async () =>
        JSON.parse(await read(sidecar)).annotations.find((a: { id: string }) => a.id === id)?.offset ===
        moved.span!.start,
      { message: 'the stored anchor to follow the saved text', timeout: 10_000 },
    );

    // Delete the passage: the annotation is orphaned, still stored, and re-attaches on undo.
    const now = doc.getText().indexOf(passage);
    await editor.edit((b) =>
      b.replace(new vscode.Range(doc.positionAt(now), doc.positionAt(now + passage.length)), 'segregation'),
    );
    await waitFor(
      async () => {
        const s = (await (await api()).annotationsOf(doc.uri)).find((a) => a.id === id);
        return s && s.span === undefined ? s : undefined;
      },
      { message: 'the annotation to be orphaned', timeout: 10_000 },
    );
    assert.ok(
      JSON.parse(await read(sidecar)).annotations.some((a: { id: string }) => a.id === id),
      'an orphan is never dropped',
    );
    await vscode.commands.executeCommand('undo');
    await waitFor(
      async () => {
        const s = (await (await api()).annotationsOf(doc.uri)).find((a) => a.id === id);
        return s?.span ? s : undefined;
      },
      { message: 'the annotation to re-attach after undo', timeout: 10_000 },
    );
    await doc.save();
  });

  it('annotates a passage selected in the rendered abstract (math given as TeX)', async () => {
    const id = await vscode.commands.executeCommand<string>(
      'attractor.annotatePaperPassage',
      await paperId(WESTERLUND),
      'of \\Lambda_{\\rm MSR}=1.11\\pm 0.11, only above 1 by 1\\sigma',
      'the key number',
    );
    assert.ok(id, 'an annotation was created');
    const note = vscode.window.activeTextEditor!.document;
    const state = (await (await api()).annotationsOf(note.uri)).find((a) => a.id === id)!;
    assert.strictEqual(state.quote, 'of $\\Lambda_{\\rm MSR}=1.11\\pm 0.11$, only above 1 by $1\\sigma$');
  });

  it('renders [[paper]] links and math through the Markdown preview engine', async () => {
    const id = await paperId(GROKKING);
    const html = await vscode.commands.executeCommand<string>(
      'markdown.api.render',
      `See [[${id}]] and [[arXiv:2306.04406]] with $x^2$.`,
    );
    assert.match(html, new RegExp(`<a [^>]*class="attractor-paper-link"[^>]*>${GROKKING}</a>`), html);
    assert.match(html, /href="https:\/\/arxiv\.org\/abs\/2306\.04406"/);
    assert.match(html, /class="katex/, 'math is rendered by the built-in Markdown math');
  });

  it('links a paper with a note to the note, and Go to Definition opens it', async () => {
    const note = await createNote(WESTERLUND);
    const id = await paperId(WESTERLUND);
    const html = await vscode.commands.executeCommand<string>('markdown.api.render', `[[${id}]]`);
    const file = note.document.uri.path.split('/').pop()!;
    assert.match(html, new RegExp(`href="/papers/${file.replace(/\./g, '\\.')}"`), html);

    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: `Read [[${id}]] again.` });
    const at = new vscode.Position(0, 8);
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
      'vscode.executeDefinitionProvider',
      doc.uri,
      at,
    );
    const targets = defs.map((d) => ('targetUri' in d ? d.targetUri : d.uri).toString());
    assert.ok(targets.includes(note.document.uri.toString()), JSON.stringify(targets));

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
    const hoverText = hovers
      .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
      .join('\n')
      .replace(/&nbsp;/g, ' ');
    assert.ok(hoverText.includes(WESTERLUND), hoverText);
    assert.match(hoverText, /command:attractor\.openNote/);
  });

  it('resolves a unique cite key and leaves an ambiguous one alone', async () => {
    // Two papers whose cite keys collide (same first author, year and first title word), added as a user adds
    // them: by arXiv id, from a local server standing for Hugging Face and arXiv.
    const twins = [
      { id: '2401.11111', title: 'Attractors of piecewise-linear maps' },
      { id: '2401.22222', title: 'Attractors in shallow recurrent networks' },
    ];
    const server = await startFixtureServer();
    const config = vscode.workspace.getConfiguration('attractor');
    const target = vscode.ConfigurationTarget.Global;
    try {
      for (const t of twins) {
        server.route(`/api/papers/${t.id}`, {
          body: hfPaper({ ...t, authors: ['Grace Hopper'], publishedAt: '2024-01-20T10:00:00.000Z' }),
        });
      }
      server.route('/api/query', (req) => ({
        body: arxivFeed(
          twins
            .filter((t) => req.query.get('id_list')?.includes(t.id))
            .map((t) =>
              arxivEntry({
                id: `${t.id}v1`,
                title: t.title,
                authors: ['Grace Hopper'],
                published: '2024-01-20T10:00:00Z',
              }),
            ),
        ),
      }));
      await config.update('huggingface.endpoint', server.url, target);
      await config.update('arxiv.endpoint', server.url, target);
      const a = await api();
      for (const t of twins) await a.papers.feeds.addPaper({ id: t.id });
      const papers = await a.listPapers();
      const added = twins.map((t) => papers.find((p) => p.title === t.title));
      assert.ok(added[0] && added[1], 'both papers are in the library');
      const shared = citeKey(added[0]);
      assert.strictEqual(citeKey(added[1]), shared, 'the two papers share a cite key');
      assert.doesNotMatch(
        await vscode.commands.executeCommand<string>('markdown.api.render', `[[${shared}]]`),
        /attractor-paper-link/,
        'an ambiguous cite key links to neither paper',
      );

      const counts = new Map<string, number>();
      for (const p of papers) counts.set(citeKey(p), (counts.get(citeKey(p)) ?? 0) + 1);
      const unique = papers.find((p) => counts.get(citeKey(p)) === 1);
      assert.ok(unique, 'some paper has a cite key of its own');
      const html = await vscode.commands.executeCommand<string>('markdown.api.render', `[[${citeKey(unique)}]]`);
      assert.match(html, /class="attractor-paper-link"/, html);
      assert.ok(html.includes(unique.title.replace(/&/g, '&amp;')), html);
    } finally {
      await config.update('huggingface.endpoint', undefined, target);
      await config.update('arxiv.endpoint', undefined, target);
      await server.close();
    }
  });

  it('completes paper ids after [[', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: 'See [[' });
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      doc.uri,
      new vscode.Position(0, 6),
      '[',
    );
    const ours = list.items.filter((i) => typeof i.label === 'object' && i.label.label === GROKKING);
    assert.strictEqual(ours.length, 1, 'the paper is offered by title');
    assert.strictEqual(ours[0].insertText, `${await paperId(GROKKING)}]]`);
  });

  it('offers the Markdown snippets', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: 'model' });
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      doc.uri,
      new vscode.Position(0, 5),
    );
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('model-card'), JSON.stringify(labels.slice(0, 30)));
  });
});
