import * as vscode from 'vscode';
import { registerCite, type CiteApi } from './cite/register';
import { vscodeCommandHost } from './commands/commandHost';
import { extensionCommands } from './commands/extensionCommands';
import { registerCommands } from './commands/registry';
import { PaperPanels } from './papers/paperPanel';
import { loadDefaultLibrary } from './papers/defaultLibrary';
import type { Paper } from './papers/paper';
import { PaperStore } from './papers/paperStore';
import { registerModels, type ModelsApi } from './models/register';
import { registerNotes, type NotesApi } from './notes/register';
import { registerPdf, type PdfApi } from './pdf/register';
import { registerZoo } from './zoo/register';
import type { PapersTreeProvider } from './papers/papersTree';
import { registerPapers, type PapersApi } from './papers/register';
import { LazyRenderer } from './render/lazyRenderer';
import { MathMacroSettings } from './render/register';
import type { Services } from './services';

/** What `activate` returns: used by in-host tests and by other extensions. */
export interface AttractorApi extends NotesApi {
  listPapers(): Promise<readonly Paper[]>;
  readonly papersTree: PapersTreeProvider;
  readonly papers: PapersApi;
  readonly models: ModelsApi;
  readonly cite: CiteApi;
  readonly pdf: PdfApi;
  /** Paper panels: `onDidRender` tells when an abstract reached its panel. */
  readonly paperPanels: Pick<PaperPanels, 'onDidRender'>;
}

/** Only wiring happens here: the library, the renderer and KaTeX load when first needed. */
export function activate(context: vscode.ExtensionContext): AttractorApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Attractor', { log: true });
  const store = new PaperStore({
    file: vscode.Uri.joinPath(context.globalStorageUri, 'library.db').fsPath,
    legacyFile: vscode.Uri.joinPath(context.globalStorageUri, 'library.json').fsPath,
    seed: () => loadDefaultLibrary(context.extensionPath),
  });
  const renderer = new LazyRenderer({ onProblem: (message) => log.warn(message) });
  const paperPanels = new PaperPanels({ extensionUri: context.extensionUri, store, renderer, log });
  context.subscriptions.push(log, renderer, new MathMacroSettings(renderer, log), paperPanels);
  const commands = vscodeCommandHost(log);
  context.subscriptions.push(
    ...registerCommands(
      commands,
      extensionCommands({ log, annotatePanelSelection: () => paperPanels.annotateActiveSelection() }),
    ),
  );

  const services: Services = { context, log, store, renderer, paperPanels, commands };
  const papers = registerPapers(services);
  const papersTree = papers.tree;
  const notes = registerNotes(services);
  const pdf = registerPdf(services, { papers, notes });
  const models = registerModels(services);
  registerZoo(services, { models, papers });
  const cite = registerCite(services, papers);

  log.info(`Attractor activated in ${(performance.now() - started).toFixed(1)} ms`);
  return { listPapers: () => store.all(), papersTree, papers, models, cite, pdf, paperPanels, ...notes };
}

export function deactivate(): void {}
