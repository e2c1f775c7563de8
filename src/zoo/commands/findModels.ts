import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Command } from '../../commands/registry';
import { SourceError } from '../../core/httpErrors';
import type { ModelsApi } from '../../models/register';
import { parseArxivInput } from '../../papers/arxivId';
import type { PapersApi } from '../../papers/register';
import { userSetting } from '../../util/userSettings';
import { describeDownloadError, DownloadError, formatMB, MB } from '../../core/download';
import {
  downloadedFileName,
  downloadHubFile,
  escapeIcons,
  hubFileUrl,
  hubModelPage,
  hubModelsUrl,
  clampMaxDownloadMB,
  parseHubModels,
  type HubModel,
} from '../hubModels';

export const MAX_DOWNLOAD_SETTING = 'attractor.models.maxDownloadMB';

/** The paper a command is about: a Papers tree row, a library id or an arXiv id; else one the user picks. */
interface PaperRef {
  readonly arxivId: string;
  readonly title: string;
}

function maxDownloadBytes(): number {
  return clampMaxDownloadMB(userSetting<unknown>('attractor', 'models.maxDownloadMB')) * MB;
}

/**
 * Find Models for This Paper: the Hub's models that cite the paper's arXiv id, which of them have .onnx files,
 * and the download of one (progress, size limit, integrity check) into the Models view's Downloaded group,
 * then its preview.
 */
export function findModelsCommand(
  log: vscode.LogOutputChannel,
  deps: { readonly models: ModelsApi; readonly papers: PapersApi },
): Command {
  const paperFrom = async (arg: unknown): Promise<PaperRef | undefined> => {
    const fromPaper = (p: { arxivId?: string; title: string } | undefined) =>
      p?.arxivId ? { arxivId: p.arxivId, title: p.title } : undefined;
    const all = await deps.papers.store.all();
    const node = (arg as { paper?: { id?: unknown } } | undefined)?.paper;
    if (node && typeof node.id === 'string') return fromPaper(all.find((p) => p.id === node.id));
    if (typeof arg === 'string') {
      const known = all.find((p) => p.id === arg);
      if (known) return fromPaper(known);
      const ref = parseArxivInput(arg);
      return ref ? { arxivId: ref.id, title: `arXiv:${ref.id}` } : undefined;
    }
    const withIds = all.filter((p) => p.arxivId);
    if (withIds.length === 0) {
      const typed = await vscode.window.showInputBox({
        title: 'Find Models for This Paper',
        prompt: 'No paper in the library has an arXiv id yet: type one',
        placeHolder: '2306.04406',
        validateInput: (v) => (!v.trim() || parseArxivInput(v) ? undefined : 'Expected an arXiv id such as 2306.04406'),
      });
      const ref = typed ? parseArxivInput(typed) : undefined;
      return ref ? { arxivId: ref.id, title: `arXiv:${ref.id}` } : undefined;
    }
    const picked = await vscode.window.showQuickPick(
      withIds.map((p) => ({ label: p.title, description: `arXiv:${p.arxivId}`, paper: p })),
      { title: 'Find Models for This Paper', placeHolder: 'A paper with an arXiv id', matchOnDescription: true },
    );
    return fromPaper(picked?.paper);
  };

  const listModels = async (paper: PaperRef): Promise<HubModel[]> => {
    const hub = deps.papers.huggingFaceHub();
    const host = new URL(hub.endpoint).host;
    const auth = await hub.auth();
    const url = hubModelsUrl(hub.endpoint, paper.arxivId);
    const res = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Attractor: looking for models citing arXiv:${paper.arxivId} on ${host}…`,
      },
      () => hub.http.get(url, { auth }),
    );
    if (res.status < 200 || res.status >= 300)
      throw new SourceError('http', host, `HTTP ${res.status}`, { status: res.status });
    return parseHubModels(res.text, host);
  };

  const pickFile = async (
    models: HubModel[],
    paper: PaperRef,
  ): Promise<{ model: HubModel; file: string } | undefined> => {
    const endpoint = deps.papers.huggingFaceHub().endpoint;
    const withOnnx = models.filter((m) => m.onnxFiles.length > 0);
    // Names and tags come from the Hub: escaped so `$(…)` in them shows as text, not as an icon.
    const stats = (m: HubModel) =>
      [
        m.pipelineTag && escapeIcons(m.pipelineTag),
        m.downloads !== undefined ? `↓ ${m.downloads}` : '',
        m.likes !== undefined ? `♥ ${m.likes}` : '',
      ]
        .filter(Boolean)
        .join(' · ');
    type Item = vscode.QuickPickItem & { model?: HubModel };
    const items: Item[] = [];
    if (withOnnx.length) items.push({ label: 'With .onnx files', kind: vscode.QuickPickItemKind.Separator });
    for (const m of withOnnx) {
      items.push({
        label: `$(pulse) ${escapeIcons(m.id)}`,
        description: `ONNX: ${m.onnxFiles.length} file${m.onnxFiles.length === 1 ? '' : 's'}`,
        detail: [escapeIcons(m.onnxFiles.slice(0, 3).join(', ')) + (m.onnxFiles.length > 3 ? ', …' : ''), stats(m)]
          .filter(Boolean)
          .join(' · '),
        model: m,
      });
    }
    const without = models.filter((m) => m.onnxFiles.length === 0);
    if (without.length)
      items.push({ label: 'Without .onnx files (open on the Hub)', kind: vscode.QuickPickItemKind.Separator });
    for (const m of without)
      items.push({
        label: `$(package) ${escapeIcons(m.id)}`,
        description: 'no .onnx file',
        detail: stats(m) || undefined,
        model: m,
      });
    const picked = await vscode.window.showQuickPick(items, {
      title: `Models citing “${paper.title}” (${withOnnx.length} of ${models.length} with .onnx files)`,
      placeHolder: withOnnx.length
        ? 'Choose a model to download its .onnx file and preview it'
        : 'None has an .onnx file: choose one to open it on the Hub',
      matchOnDescription: true,
      matchOnDetail: true,
      // Shown after a network wait: focus may have moved to an editor (a webview takes it back) meanwhile.
      ignoreFocusOut: true,
    });
    const model = picked?.model;
    if (!model) return undefined;
    if (model.onnxFiles.length === 0) {
      const open = await vscode.window.showInformationMessage(
        `Attractor: ${model.id} has no .onnx file; Attractor previews ONNX models.`,
        'Open on Hugging Face',
      );
      if (open) await vscode.env.openExternal(vscode.Uri.parse(hubModelPage(endpoint, model.id)));
      return undefined;
    }
    if (model.onnxFiles.length === 1) return { model, file: model.onnxFiles[0] };
    const file = await vscode.window.showQuickPick(
      model.onnxFiles.map((f) => ({ label: escapeIcons(f), file: f })),
      { title: `${model.id}: which .onnx file?`, ignoreFocusOut: true },
    );
    return file ? { model, file: file.file } : undefined;
  };

  const download = async (model: HubModel, file: string): Promise<vscode.Uri | undefined> => {
    const hub = deps.papers.huggingFaceHub();
    const target = vscode.Uri.joinPath(deps.models.downloadedModelsDir, downloadedFileName(model.id, file));
    if (existsSync(target.fsPath)) {
      const choice = await vscode.window.showInformationMessage(
        `Attractor: ${model.id}/${file} was downloaded before.`,
        'Preview It',
        'Download Again',
      );
      if (choice === 'Preview It') return target;
      if (choice !== 'Download Again') return undefined;
    }
    const maxBytes = maxDownloadBytes();
    const auth = await hub.auth();
    const url = hubFileUrl(hub.endpoint, model.id, file);
    const started = performance.now();
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Attractor: downloading ${model.id}/${file}`,
        cancellable: true,
      },
      async (progress, cancel) => {
        const abort = new AbortController();
        const sub = cancel.onCancellationRequested(() => abort.abort());
        let shown = 0;
        try {
          return await downloadHubFile({
            http: hub.http,
            url,
            target: target.fsPath,
            maxBytes,
            limitHint: `setting ${MAX_DOWNLOAD_SETTING}`,
            auth,
            signal: abort.signal,
            onProgress: (received, total) => {
              const fraction = total ? (received / total) * 100 : 0;
              progress.report({
                message: total ? `${formatMB(received)} of ${formatMB(total)}` : formatMB(received),
                increment: total ? fraction - shown : undefined,
              });
              shown = fraction;
            },
          });
        } finally {
          sub.dispose();
        }
      },
    );
    log.info(
      `Downloaded ${url} (${result.bytes} bytes${result.sha256 ? `, sha256 ${result.sha256} checked` : ', no sha256 announced'}) in ${(performance.now() - started).toFixed(0)} ms to ${result.file}`,
    );
    return target;
  };

  const findModels = async (arg?: unknown): Promise<void> => {
    const paper = await paperFrom(arg);
    if (!paper) {
      if (arg !== undefined)
        void vscode.window.showInformationMessage(
          'Attractor: this paper has no arXiv id, so the Hub cannot be asked for models that cite it. Add it by arXiv id first.',
        );
      return;
    }
    const models = await listModels(paper);
    if (models.length === 0) {
      void vscode.window.showInformationMessage(
        `Attractor: no model on the Hugging Face Hub cites arXiv:${paper.arxivId} (“${paper.title}”).`,
      );
      return;
    }
    const chosen = await pickFile(models, paper);
    if (!chosen) return;
    let uri: vscode.Uri | undefined;
    try {
      uri = await download(chosen.model, chosen.file);
    } catch (err) {
      if (err instanceof DownloadError && err.problem === 'cancelled') {
        void vscode.window.showInformationMessage(`Attractor: ${err.message}`);
        return;
      }
      throw err;
    }
    if (!uri) return;
    deps.models.refresh();
    deps.models.preview(uri);
  };

  return {
    id: 'attractor.findModelsForPaper',
    what: 'could not get the model',
    run: findModels,
    describe: describeDownloadError,
  };
}
