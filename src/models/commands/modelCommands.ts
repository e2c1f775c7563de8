import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Command } from '../../commands/registry';
import { MODEL_CARD_VIEW_TYPE } from '../modelCardEditor';
import { ModelItem, type ModelsTreeProvider } from '../modelsTree';
import type { ModelPreviews } from '../previewPanel';

/** Accepts what menus, the card and other commands pass: a Uri, a tree item, or a path. */
function toUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (arg instanceof ModelItem) return arg.uri;
  if (typeof arg === 'string' && arg.length > 0)
    return arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  return undefined;
}

/** A model the Models view knows, or an .onnx file browsed to. */
async function pickModel(tree: ModelsTreeProvider): Promise<vscode.Uri | undefined> {
  const known = await tree.all();
  const browse = {
    label: '$(folder-opened) Browse…',
    description: 'choose an .onnx file',
    uri: undefined as vscode.Uri | undefined,
  };
  const items = [
    ...known.map(({ uri, source }) => ({
      label: path.basename(uri.fsPath),
      description: source === 'workspace' ? vscode.workspace.asRelativePath(uri) : source,
      uri,
    })),
    browse,
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Preview Model',
    placeHolder: 'An ONNX model to run',
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({
    title: 'Preview Model',
    canSelectMany: false,
    filters: { 'ONNX models': ['onnx'] },
  });
  return chosen?.[0];
}

/** The Models view and the preview: open a preview or a card, reveal a file, analyse, compare with data. */
export function modelCommands(deps: {
  readonly tree: ModelsTreeProvider;
  readonly previews: ModelPreviews;
}): Command[] {
  const { tree, previews } = deps;
  return [
    {
      id: 'attractor.previewModel',
      what: 'Could not open the model preview',
      run: async (arg?: unknown) => {
        const uri = toUri(arg) ?? (await pickModel(tree));
        if (uri) previews.show(uri);
      },
    },
    {
      id: 'attractor.openModelCard',
      what: 'Could not open the model card',
      run: async (arg?: unknown) => {
        const uri = toUri(arg) ?? (await pickModel(tree));
        if (uri) await vscode.commands.executeCommand('vscode.openWith', uri, MODEL_CARD_VIEW_TYPE);
      },
    },
    {
      id: 'attractor.revealModel',
      what: 'Could not reveal the model',
      run: async (arg?: unknown) => {
        const uri = toUri(arg);
        if (!uri) return;
        if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
        else await vscode.commands.executeCommand('revealFileInOS', uri);
      },
    },
    { id: 'attractor.refreshModels', what: 'Could not refresh the models', run: () => tree.refresh() },
    {
      id: 'attractor.analyseModel',
      what: 'Could not analyse the model',
      run: async (arg?: unknown) => {
        if (await previews.analyse(toUri(arg))) return;
        const picked = await pickModel(tree);
        if (picked) await previews.analyse(picked);
      },
    },
    { id: 'attractor.compareWithData', what: 'Could not compare with data', run: () => previews.compareWithData() },
  ];
}
