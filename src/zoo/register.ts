import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModelPaperLink } from '../models/paperProviders';
import type { ModelsApi } from '../models/register';
import { parseArxivInput } from '../papers/arxivId';
import type { PapersApi } from '../papers/register';
import type { Services } from '../services';
import { showError } from '../util/errors';
import { CATALOG_FILE, parseCatalog, type Catalog, type CatalogEntry } from './catalog';
import { groundTruthComparison } from './groundTruthComparison';
import { registerFindModels } from './findModels';
import { modelsForPaper, normaliseTitle, paperForModel, type PaperLike } from './modelPapers';

/** Paper rows with a zoo model: their icon, and the contextValue flag that shows Launch Model Preview. */
export const PAPER_WITH_MODEL_ICON = 'pulse';
export const PAPER_WITH_MODEL_FLAG = 'model';

/**
 * Papers and zoo models together: the preview's ground-truth metrics table, a mark on papers that have a zoo
 * model, "Launch Model Preview" on those papers, and "Open Model's Paper" from a model. The catalog
 * (media/models/index.json, ~15 KB) is read on first use, not at activation.
 */
export function registerZoo(
  services: Services,
  deps: { readonly models: ModelsApi; readonly papers: PapersApi },
): void {
  const { context, log } = services;
  const dir = vscode.Uri.joinPath(context.extensionUri, 'media', 'models').fsPath;
  let catalog: Catalog | undefined;
  const zoo = (): Catalog => {
    if (!catalog) {
      try {
        catalog = parseCatalog(JSON.parse(readFileSync(path.join(dir, CATALOG_FILE), 'utf8')));
      } catch (err) {
        log.error(`The model zoo catalog could not be read: ${err instanceof Error ? err.message : String(err)}`);
        catalog = { version: '', models: [] };
      }
    }
    return catalog;
  };
  const entryForFile = (file: string): CatalogEntry | undefined =>
    path.dirname(path.resolve(file)) === path.resolve(dir)
      ? zoo().models.find((m) => m.file === path.basename(file))
      : undefined;
  const uriOf = (m: CatalogEntry) => vscode.Uri.file(path.join(dir, m.file));

  const paperArg = (arg: unknown): PaperLike | undefined => {
    const p = (arg as { paper?: PaperLike } | undefined)?.paper;
    return p && typeof p.id === 'string' && typeof p.title === 'string' ? p : undefined;
  };

  const launch = async (arg: unknown) => {
    let paper = paperArg(arg);
    if (!paper && typeof arg === 'string') paper = (await deps.papers.store.all()).find((p) => p.id === arg);
    if (!paper) {
      const all = await deps.papers.store.all();
      const withModels = all.filter((p) => modelsForPaper(zoo(), p).length > 0);
      const picked = await vscode.window.showQuickPick(
        withModels.map((p) => ({ label: p.title, paper: p })),
        { title: 'Launch Model Preview', placeHolder: 'A paper with a model in the zoo' },
      );
      paper = picked?.paper;
    }
    if (!paper) return;
    const models = modelsForPaper(zoo(), paper);
    if (models.length === 0) {
      void vscode.window.showInformationMessage(`Attractor has no bundled model for “${paper.title}”.`);
      return;
    }
    const chosen =
      models.length === 1
        ? models[0]
        : (
            await vscode.window.showQuickPick(
              models.map((m) => ({
                label: m.title,
                description: m.kind,
                detail: m.papers.find((r) => r.title === paper!.title)?.relation,
                m,
              })),
              { title: `Models for “${paper.title}”` },
            )
          )?.m;
    if (chosen) deps.models.preview(uriOf(chosen));
  };

  const openPaper = async (id: string) => void (await vscode.commands.executeCommand('attractor.openPaper', id));
  const addPaper = async (arxiv: string) => void (await vscode.commands.executeCommand('attractor.addPaper', arxiv));

  /**
   * The paper of a model file: the first of its zoo entry's papers that the library has, else one with an arXiv
   * id (opening it adds it to the library), else the file's `dynamics.paper` arXiv id.
   */
  const paperLink = async (file: string, metadataPaper?: string): Promise<ModelPaperLink | undefined> => {
    const entry = entryForFile(file);
    const library = await deps.papers.store.all();
    if (entry && entry.papers.length > 0) {
      const paper = paperForModel(entry, library);
      if (paper) {
        const ref = entry.papers.find(
          (r) => (r.arxiv && r.arxiv === paper.arxivId) || normaliseTitle(r.title) === normaliseTitle(paper.title),
        );
        return { title: paper.title, detail: ref?.relation, open: () => openPaper(paper.id) };
      }
      const ref = entry.papers.find((r) => r.arxiv);
      if (ref?.arxiv) {
        const arxiv = ref.arxiv;
        return {
          title: ref.title,
          detail: `${ref.relation}; not in the library yet: opening adds it`,
          open: () => addPaper(arxiv),
        };
      }
    }
    const arxiv = metadataPaper ? parseArxivInput(metadataPaper)?.id : undefined;
    if (!arxiv) return undefined;
    const paper = library.find((p) => p.arxivId === arxiv);
    return paper
      ? { title: paper.title, detail: `dynamics.paper = ${arxiv}`, open: () => openPaper(paper.id) }
      : {
          title: `arXiv:${arxiv}`,
          detail: 'dynamics.paper; not in the library yet: opening adds it',
          open: () => addPaper(arxiv),
        };
  };

  const openModelPaper = async (arg: unknown) => {
    const file =
      arg instanceof vscode.Uri
        ? arg.fsPath
        : typeof arg === 'string'
          ? arg
          : (arg as { uri?: vscode.Uri } | undefined)?.uri?.fsPath;
    const link = file ? await paperLink(file) : undefined;
    if (link) await link.open();
    else void vscode.window.showInformationMessage('This model names no paper.');
  };

  context.subscriptions.push(
    deps.models.registerComparison(
      groundTruthComparison({
        modelLyapunov: (file) => entryForFile(file)?.scores?.lyapunovModel,
        protocol: () =>
          vscode.workspace.getConfiguration('attractor').get<string>('metrics.protocol') === 'papers'
            ? 'papers'
            : 'preview',
      }),
    ),
    deps.models.registerPaperLinks((model) => paperLink(model.file, model.metadata.paper)),
    registerFindModels(log, deps),
    deps.papers.tree.addDecorator((paper) => {
      const models = modelsForPaper(zoo(), paper);
      if (models.length === 0) return undefined;
      return {
        description: `◆ ${models.length === 1 ? 'model' : `${models.length} models`}`,
        tooltip: `Zoo: ${models.map((m) => m.title).join(', ')} (Launch Model Preview)`,
        icon: PAPER_WITH_MODEL_ICON,
        contextFlags: [PAPER_WITH_MODEL_FLAG],
      };
    }),
    vscode.commands.registerCommand('attractor.launchModelPreview', (arg?: unknown) =>
      launch(arg).catch((err) => showError(log, 'Could not launch the model preview', err)),
    ),
    vscode.commands.registerCommand('attractor.openModelPaper', (arg?: unknown) =>
      openModelPaper(arg).catch((err) => showError(log, "Could not open the model's paper", err)),
    ),
  );
}
