import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { escapesRoot } from '../notes/confinedPath';
import { citeKey } from '../papers/bibtex';
import { formatDay } from '../papers/dayGroups';
import type { Library } from '../papers/library/library';
import { writeFileAtomic } from '../core/atomicWrite';
import { describeSourceError } from '../core/httpErrors';
import { describeAuthors, type Paper } from '../papers/paper';
import type { PapersApi } from '../papers/register';
import { markdownText } from '../render/untrustedMarkdown';
import type { Services } from '../services';
import { BibParseError } from './bibFile';
import { planBibliography } from './bibliographyPlan';
import {
  abstractStart,
  CitationFinder,
  citationHoverMarkdown,
  type CrossrefAnswer,
  HOVER_COMMANDS,
  resolveCitation,
} from './citationFinder';
import { citedKeys, citeKeyPrefix, citeLanguageOf } from './citedKeys';

const COMPLETION_LIMIT = 50;
/** Files whose citations make the bibliography; at most this many are read when a workspace is first synced. */
const CITING_FILES = '**/*.{tex,md,qmd}';
const CITING_EXCLUDE = '**/{node_modules,.git,.vscode-test,out,dist}/**';
const MAX_CITING_FILES = 5_000;

/** What the citations capability offers in-host tests. */
export interface CiteApi {
  /** Brings the bibliography of the folder holding `uri` in line with the workspace's citations. */
  syncBibliography(uri: vscode.Uri): Promise<SyncResult | undefined>;
}

export interface SyncResult {
  readonly file: string;
  readonly added: string[];
  readonly updated: string[];
  readonly removed: string[];
}

/**
 * Citations wherever a researcher writes: hovers on arXiv ids, DOIs and `[[…]]` links in comments of any
 * language (and anywhere in prose), cite-key completion in LaTeX and Markdown/Quarto, and the workspace
 * bibliography kept in step with the keys cited. The library is asked one indexed row at a time.
 */
export function registerCite(services: Services, papers: PapersApi): CiteApi {
  const { context, log, store } = services;
  const finder = new CitationFinder();
  const library = (): Promise<Library> => store.library();

  const hover: vscode.HoverProvider = {
    async provideHover(document, position, token) {
      const match = finder.at(document, position);
      if (!match) return undefined;
      // In Markdown the notes capability already hovers `[[…]]` links (with the note's commands).
      if (document.languageId === 'markdown' && document.lineAt(position.line).text.startsWith('[[', match.start))
        return undefined;
      const paper = resolveCitation(await library(), match.ref);
      // A DOI outside the library: Crossref's answer, asked once per DOI (papers.dois caches it). The hover waits
      // for it (VS Code shows "Loading…" meanwhile); the provider itself only starts the request.
      const crossref =
        !paper && match.ref.kind === 'doi'
          ? await papers.dois.lookup(match.ref.doi).then(
              (p): CrossrefAnswer => ({ paper: p }),
              (err: unknown): CrossrefAnswer => ({ error: describeSourceError(err) }),
            )
          : undefined;
      if (token.isCancellationRequested) return undefined;
      const text = citationHoverMarkdown(match.ref, paper, crossref);
      if (!text) return undefined;
      // No HTML; only the two commands the links need are trusted, and network text is escaped (markdownText).
      const md = new vscode.MarkdownString(text, false);
      md.supportHtml = false;
      md.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
      return new vscode.Hover(md, new vscode.Range(position.line, match.start, position.line, match.end));
    },
  };

  const completionItem = (p: Paper, key: string, range: vscode.Range, rank: number): vscode.CompletionItem => {
    const item = new vscode.CompletionItem({ label: key, description: p.title }, vscode.CompletionItemKind.Reference);
    item.insertText = key;
    item.range = range;
    // Filtered by key, title and authors alike: typing a title word or an author finds the paper.
    item.filterText = `${key} ${p.title} ${p.authors.join(' ')}`;
    item.sortText = String(rank).padStart(4, '0');
    item.detail = `${describeAuthors(p)} · ${formatDay(p.published)}`;
    item.documentation = new vscode.MarkdownString(
      `**${markdownText(p.title)}**\n\n${markdownText(abstractStart(p.abstract))}`,
    );
    return item;
  };

  const completion: vscode.CompletionItemProvider = {
    async provideCompletionItems(document, position) {
      const language = citeLanguageOf(document.languageId, document.fileName);
      if (!language) return undefined;
      const before = document.lineAt(position.line).text.slice(0, position.character);
      const prefix = citeKeyPrefix(before, language);
      if (prefix === undefined) return undefined;
      const lib = await library();
      const found = new Map<string, Paper>();
      const add = (p: Paper) => {
        if (found.size < COMPLETION_LIMIT && !found.has(p.id)) found.set(p.id, p);
      };
      for (const p of lib.citeKeysStartingWith(prefix, COMPLETION_LIMIT)) add(p);
      if (prefix.length >= 2) {
        // Title and author words through the library's search index (built once, off the host's thread).
        const index = await papers.search.index();
        for (const hit of index.search(prefix, { limit: COMPLETION_LIMIT })) add(hit.paper);
      }
      if (prefix === '') for (const p of lib.recent()) add(p);
      const range = new vscode.Range(
        position.line,
        position.character - prefix.length,
        position.line,
        position.character,
      );
      const items = [...found.values()].map((p, i) => completionItem(p, citeKey(p), range, i));
      // The list depends on what is typed: ask again as the key grows.
      return new vscode.CompletionList(items, true);
    },
  };

  // ---- the workspace bibliography ---------------------------------------------------------------------------

  /** Cited keys per file, per workspace folder; filled by one scan of the folder, then kept up to date on save. */
  const citedByFolder = new Map<string, Promise<Map<string, string[]>>>();
  const reported = new Set<string>();

  const scanFolder = (folder: vscode.WorkspaceFolder): Promise<Map<string, string[]>> => {
    let scan = citedByFolder.get(folder.uri.toString());
    if (!scan) {
      scan = (async () => {
        const byFile = new Map<string, string[]>();
        const files = await vscode.workspace.findFiles(
          new vscode.RelativePattern(folder, CITING_FILES),
          CITING_EXCLUDE,
          MAX_CITING_FILES,
        );
        for (const uri of files) {
          const language = citeLanguageOf('', uri.path);
          if (!language) continue;
          try {
            byFile.set(uri.toString(), citedKeys(await fs.readFile(uri.fsPath, 'utf8'), language));
          } catch {
            // A file that vanished or cannot be read cites nothing.
          }
        }
        return byFile;
      })();
      scan.catch(() => citedByFolder.delete(folder.uri.toString()));
      citedByFolder.set(folder.uri.toString(), scan);
    }
    return scan;
  };

  const bibliographyUri = async (folder: vscode.WorkspaceFolder): Promise<vscode.Uri | undefined> => {
    const setting = vscode.workspace.getConfiguration('attractor.bibliography', folder.uri).get<string>('file', '');
    if (!setting.trim()) return undefined;
    const file = path.resolve(folder.uri.fsPath, setting.trim());
    const escaped = await escapesRoot(folder.uri.fsPath, file);
    if (escaped)
      throw new Error(
        `attractor.bibliography.file (${setting}) leads outside the workspace folder; use a path inside it`,
      );
    return vscode.Uri.file(file);
  };

  /** Says a problem once per file and reason (a save every few seconds must not repeat it). */
  const warnOnce = (key: string, message: string) => {
    if (reported.has(key)) return;
    reported.add(key);
    log.warn(message);
    void vscode.window.showWarningMessage(`Attractor: ${message}`);
  };

  let queue: Promise<unknown> = Promise.resolve();
  const syncBibliography = (uri: vscode.Uri, document?: vscode.TextDocument): Promise<SyncResult | undefined> => {
    // One sync at a time: two saves must not read the same .bib and write over each other's result.
    const run = queue.then(() => syncNow(uri, document));
    queue = run.catch(() => undefined);
    return run;
  };

  const syncNow = async (uri: vscode.Uri, document?: vscode.TextDocument): Promise<SyncResult | undefined> => {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder || folder.uri.scheme !== 'file') return undefined;
    const bibUri = await bibliographyUri(folder);
    if (!bibUri) return undefined;
    const byFile = await scanFolder(folder);
    const language = citeLanguageOf(document?.languageId ?? '', uri.path);
    if (language) {
      const saved = document?.getText() ?? (await fs.readFile(uri.fsPath, 'utf8').catch(() => undefined));
      if (saved !== undefined) byFile.set(uri.toString(), citedKeys(saved, language));
    }
    const cited = new Set<string>();
    for (const keys of byFile.values()) for (const k of keys) cited.add(k);
    const rel = vscode.workspace.asRelativePath(bibUri);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === bibUri.toString());
    if (open?.isDirty) {
      warnOnce(
        `dirty:${bibUri}`,
        `${rel} has unsaved changes, so citations were not added to it. Save it and save your document again.`,
      );
      return undefined;
    }
    let text = '';
    try {
      text = await fs.readFile(bibUri.fsPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    let plan;
    try {
      plan = planBibliography(text, cited, await library());
    } catch (err) {
      if (err instanceof BibParseError) {
        warnOnce(
          `parse:${bibUri}:${err.line}:${err.message}`,
          `${rel} line ${err.line}: ${err.message}. Citations are not written to it until it is fixed.`,
        );
        return undefined;
      }
      throw err;
    }
    reported.clear();
    if (plan.text === text) return { file: bibUri.fsPath, added: [], updated: [], removed: [] };
    if (!text && plan.added.length === 0) return undefined;
    await writeFileAtomic(bibUri.fsPath, plan.text);
    log.info(
      `Bibliography ${rel}: added ${plan.added.join(', ') || 'none'}; updated ${plan.updated.join(', ') || 'none'}; removed ${plan.removed.join(', ') || 'none'}`,
    );
    return { file: bibUri.fsPath, added: plan.added, updated: plan.updated, removed: plan.removed };
  };

  const proseSelector: vscode.DocumentSelector = [
    { language: 'latex' },
    { language: 'tex' },
    { language: 'markdown' },
    { language: 'quarto' },
    // By name too: a host without the LaTeX or Quarto language still completes keys in these files.
    { pattern: '**/*.{tex,qmd}' },
  ];
  context.subscriptions.push(
    vscode.languages.registerHoverProvider([{ scheme: 'file' }, { scheme: 'untitled' }], hover),
    vscode.languages.registerCompletionItemProvider(proseSelector, completion, '{', ',', '@'),
    vscode.workspace.onDidCloseTextDocument((d) => finder.forget(d.uri)),
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (!citeLanguageOf(d.languageId, d.fileName)) return;
      void syncBibliography(d.uri, d).catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        warnOnce(`error:${message}`, `could not update the bibliography: ${message}`);
      });
    }),
    vscode.workspace.onDidDeleteFiles((e) => {
      for (const uri of e.files)
        for (const scan of citedByFolder.values()) void scan.then((m) => m.delete(uri.toString()));
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => citedByFolder.clear()),
  );

  return { syncBibliography: (uri) => syncBibliography(uri) };
}
