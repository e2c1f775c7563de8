import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../services';
import { registerCommands } from '../commands/registry';
import { modelCommands } from './commands/modelCommands';
import { PreviewComparisons, type PreviewComparison } from './comparisons';
import { KindAnswers } from './kindAnswers';
import { ModelCardEditorProvider } from './modelCardEditor';
import { ModelPaperLinks, type ModelPaperLinkProvider } from './paperProviders';
import { ModelsTreeProvider } from './modelsTree';
import { describeForPreview } from './previewDefaults';
import { ModelPreviews } from './previewPanel';
import { ModelRunError } from './modelErrors';
import { ModelRuntime } from './runtime';
import type { ModelInfo } from './onnxFile';
import { runRefusal as externalRunRefusal } from './runRefusal';
import { recognise, refuseRun } from './signature';

/** What other capabilities (the model zoo, papers) use of model previews. */
export interface ModelsApi {
  /** Opens (or reveals) the preview of a model file. */
  preview(uri: vscode.Uri): void;
  /** Adds a ground-truth comparison shown as a metrics table under a finished preview. */
  registerComparison(comparison: PreviewComparison): vscode.Disposable;
  /** Names a model's paper; the model card shows it as a link that opens the paper. */
  registerPaperLinks(provider: ModelPaperLinkProvider): vscode.Disposable;
  /** Where downloaded models go; the Models view lists *.onnx there. */
  readonly downloadedModelsDir: vscode.Uri;
  /** Re-lists the Models view (after a download). */
  refresh(): void;
  /** The Models view's data (bundled, workspace, downloaded); `all()` is what the palette's model picker offers. */
  readonly tree: vscode.TreeDataProvider<unknown> & Pick<ModelsTreeProvider, 'all'>;
  /**
   * Runs a model without a panel (papers, metrics, tests): the same recognition, runtime and limits as a preview.
   * Throws ModelFileError/ModelRunError with a message for people. A model that fits both map and flow runs as
   * `kind`, else as the user's remembered answer, else as guessed from its shapes.
   */
  run(uri: vscode.Uri, request: HeadlessRun): Promise<HeadlessResult>;
}

export interface HeadlessRun {
  readonly steps: number;
  /** Default: dynamics.initial_state, else the preview's default. */
  readonly initialState?: readonly number[];
  readonly dt?: number;
  readonly kind?: 'map' | 'flow';
}

export interface HeadlessResult {
  /** `[steps, width]` float32. */
  readonly data: Float32Array;
  readonly steps: number;
  readonly width: number;
  readonly path: string;
  readonly elapsedMs: number;
}

/**
 * The Models view, the .onnx model card editor, model previews and their commands. Nothing heavy loads here:
 * onnx-proto reads a file when a card or preview opens, onnxruntime-node on the first preview run.
 */
export function registerModels(services: Services): ModelsApi {
  const { context, log } = services;
  const runtime = new ModelRuntime(log);
  const answers = new KindAnswers(context.workspaceState);
  const comparisons = new PreviewComparisons();
  const paperLinks = new ModelPaperLinks();
  const bundledDir = vscode.Uri.joinPath(context.extensionUri, 'media', 'models');
  const downloadedDir = vscode.Uri.joinPath(context.globalStorageUri, 'models');
  const tree = new ModelsTreeProvider(bundledDir, downloadedDir, log);
  const inside = (uri: vscode.Uri, dir: vscode.Uri) =>
    !path.relative(dir.fsPath, uri.fsPath).startsWith('..') && !path.isAbsolute(path.relative(dir.fsPath, uri.fsPath));
  const runRefusal = (uri: vscode.Uri, info: ModelInfo, locationRefusal: string | undefined) =>
    externalRunRefusal(
      {
        inWorkspace: vscode.workspace.getWorkspaceFolder(uri) !== undefined,
        trusted: vscode.workspace.isTrusted,
        downloaded: inside(uri, downloadedDir),
      },
      info,
      locationRefusal,
    );
  const cards = new ModelCardEditorProvider({
    extensionUri: context.extensionUri,
    runtime,
    answers,
    paperLinks,
    log,
    renderer: services.renderer,
    runRefusal,
  });
  const previews = new ModelPreviews({
    extensionUri: context.extensionUri,
    runtime,
    answers,
    comparisons,
    log,
    runRefusal,
  });

  const watcher = vscode.workspace.createFileSystemWatcher('**/*.onnx');
  const onFile = (kind: 'created' | 'changed' | 'deleted') => async (uri: vscode.Uri) => {
    runtime.invalidate(uri.fsPath);
    if (kind !== 'changed') tree.refresh();
    await previews.fileChanged(uri, kind === 'deleted' ? 'deleted' : 'changed');
    if (kind !== 'deleted') await cards.fileChanged(uri);
  };

  context.subscriptions.push(
    runtime,
    tree,
    cards,
    previews,
    watcher,
    watcher.onDidCreate(onFile('created')),
    watcher.onDidChange(onFile('changed')),
    watcher.onDidDelete(onFile('deleted')),
    // Restricted Mode refuses to run workspace models; once the user trusts the workspace, the cards and
    // previews on screen offer what they refused, as VS Code's own features come back without a reload.
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      await cards.renderAll();
      await previews.trustGranted();
    }),
    vscode.window.createTreeView('attractor.models', { treeDataProvider: tree }),
    ...registerCommands(services.commands, modelCommands({ tree, previews })),
  );

  return {
    preview: (uri) => previews.show(uri),
    registerComparison: (comparison) => new vscode.Disposable(comparisons.register(comparison)),
    registerPaperLinks: (provider) => new vscode.Disposable(paperLinks.register(provider)),
    downloadedModelsDir: downloadedDir,
    refresh: () => tree.refresh(),
    tree,
    run: async (uri, request) => {
      const { info, refusal } = await runtime.inspect(uri.fsPath);
      const recognition = refuseRun(recognise(info, request.kind ?? answers.get(uri)), runRefusal(uri, info, refusal));
      if (!recognition.ok) throw new ModelRunError('signature', recognition.reason);
      const sig = recognition.signature;
      const defaults = describeForPreview(uri.fsPath, sig).defaults;
      const parts: Float32Array[] = [];
      const result = await runtime.rollout(
        uri.fsPath,
        {
          signature: sig,
          initialStates: [request.initialState ?? defaults.initialState],
          steps: request.steps,
          dt: request.dt ?? defaults.dt,
        },
        (chunk) => void parts.push(chunk.data),
      );
      const data = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((offset, p) => (data.set(p, offset), offset + p.length), 0);
      return {
        data,
        steps: result.steps,
        width: data.length / Math.max(1, result.steps),
        path: result.path,
        elapsedMs: result.elapsedMs,
      };
    },
  };
}
