import * as vscode from 'vscode';
import type { Command } from '../../commands/registry';
import type { ModelPaperLink } from '../../models/paperProviders';
import type { ModelsApi } from '../../models/register';
import type { PapersApi } from '../../papers/register';
import type { Catalog, CatalogEntry } from '../catalog';
import { modelsForPaper, type PaperLike } from '../modelPapers';

export interface ModelPaperDeps {
  /** The zoo's catalog, read on first use. */
  zoo(): Catalog;
  uriOf(model: CatalogEntry): vscode.Uri;
  /** The paper of a model file, to open. */
  paperLink(file: string): Promise<ModelPaperLink | undefined>;
  readonly models: ModelsApi;
  readonly papers: PapersApi;
}

const paperArg = (arg: unknown): PaperLike | undefined => {
  const p = (arg as { paper?: PaperLike } | undefined)?.paper;
  return p && typeof p.id === 'string' && typeof p.title === 'string' ? p : undefined;
};

/** Launch Model Preview from a paper with a zoo model, and Open Model's Paper from a model. */
export function modelPaperCommands(deps: ModelPaperDeps): Command[] {
  const { zoo, uriOf, paperLink } = deps;

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

  return [
    { id: 'attractor.launchModelPreview', what: 'Could not launch the model preview', run: launch },
    { id: 'attractor.openModelPaper', what: "Could not open the model's paper", run: openModelPaper },
  ];
}
