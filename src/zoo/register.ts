import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModelPaperLink } from '../models/paperProviders';
import type { ModelsApi } from '../models/register';
import { parseArxivInput } from '../papers/arxivId';
import type { PapersApi } from '../papers/register';
import type { Services } from '../services';
import { registerCommands } from '../commands/registry';
import { CATALOG_FILE, parseCatalog, type Catalog, type CatalogEntry } from './catalog';
import { groundTruthComparison } from '../models/groundTruthComparison';
import { findModelsCommand } from './commands/findModels';
import { modelPaperCommands } from './commands/modelPaperCommands';
import { modelsForPaper, normaliseTitle, paperForModel } from './modelPapers';

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

  context.subscriptions.push(
    deps.models.registerComparison(
      groundTruthComparison({
        modelLyapunov: (file) => {
          const scores = entryForFile(file)?.scores;
          return scores
            ? {
                lambdaMax: scores.lyapunovModel,
                exponents: scores.lyapunovSpectrumModel,
                kaplanYorke: scores.kaplanYorkeModel,
              }
            : undefined;
        },
        protocol: () =>
          vscode.workspace.getConfiguration('attractor').get<string>('metrics.protocol') === 'papers'
            ? 'papers'
            : 'preview',
      }),
    ),
    deps.models.registerPaperLinks((model) => paperLink(model.file, model.metadata.paper)),
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
    ...registerCommands(services.commands, [
      ...modelPaperCommands({ zoo, uriOf, paperLink, models: deps.models, papers: deps.papers }),
      findModelsCommand(log, deps),
    ]),
  );
}
