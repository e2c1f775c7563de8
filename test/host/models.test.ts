/**
 * Model previews inside the real extension host: activation leaves onnxruntime-node unloaded, the Models view
 * lists workspace models (file watcher), *.onnx opens in the model card editor, previews open as panels, and
 * onnxruntime-node (N-API) runs models inside the host, with clear errors for bad files.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { AttractorApi } from '../../src/extension';
import { DIVERGING_STEP, lorenzFlow, writeWorkspaceFixtures } from '../fixtures/models/models';

const EXTENSION_ID = 'attractor-dev.attractor';

async function until<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, timeout = 20_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ortLoaded = () => Object.keys(require.cache).some((k) => /[\\/]onnxruntime-node[\\/]/.test(k));

describe('models (in host)', function () {
  this.timeout(60_000);
  let api: AttractorApi;
  let dir: string;
  const uri = (name: string) => vscode.Uri.file(path.join(dir, name));
  const label = (item: vscode.TreeItem) => String(typeof item.label === 'string' ? item.label : item.label?.label);

  before(async () => {
    const ext = vscode.extensions.getExtension<AttractorApi>(EXTENSION_ID)!;
    api = await ext.activate();
    dir = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'models-under-test');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('activates without loading onnxruntime-node', () => {
    assert.strictEqual(ortLoaded(), false);
  });

  it('registers the model commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of [
      'attractor.previewModel',
      'attractor.openModelCard',
      'attractor.revealModel',
      'attractor.refreshModels',
    ]) {
      assert.ok(commands.includes(id), `${id} is registered`);
    }
  });

  it('lists workspace models, kept current by the file watcher', async () => {
    const written = writeWorkspaceFixtures(dir)
      .map((f) => path.basename(f))
      .sort();
    const tree = api.models.tree;
    const workspaceGroup = async () =>
      ((await tree.getChildren()) as vscode.TreeItem[]).find((g) => label(g) === 'Workspace');
    const names = await until(async () => {
      const group = await workspaceGroup();
      const items = group ? ((await tree.getChildren(group)) as vscode.TreeItem[]).map(label) : [];
      return written.every((w) => items.includes(w)) ? items : undefined;
    }, 'the watcher to list the fixtures');
    assert.ok(names.includes('pytorch_map.onnx'));
    fs.rmSync(path.join(dir, 'slow.onnx'));
    await until(async () => {
      const group = await workspaceGroup();
      const items = ((await tree.getChildren(group)) as vscode.TreeItem[]).map(label);
      return !items.includes('slow.onnx') || undefined;
    }, 'a deleted model to leave the view');
    const groups = ((await tree.getChildren()) as vscode.TreeItem[]).map(label);
    assert.deepStrictEqual(groups.slice(0, 2), ['Bundled', 'Workspace']);
  });

  it('offers a model saved a moment ago in the palette picker, before the file watcher reports it', async () => {
    const tree = api.models.tree;
    await tree.all(); // the workspace listed, as the view shows it
    const fresh = path.join(dir, 'saved-just-now.onnx');
    fs.copyFileSync(path.join(dir, 'pytorch_map.onnx'), fresh);
    // at once: the watcher's event comes later (it is batched, and dropped under load)
    const offered = (await tree.all()).map((m) => m.uri.fsPath);
    assert.ok(offered.includes(fresh), `the picker offers ${fresh}: ${JSON.stringify(offered)}`);
    fs.rmSync(fresh);
  });

  it('opens *.onnx in the model card editor by default', async () => {
    await vscode.commands.executeCommand('vscode.open', uri('lorenz_flow.onnx'));
    const input = await until(() => {
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      return tab?.input instanceof vscode.TabInputCustom ? tab.input : undefined;
    }, 'a custom editor tab');
    assert.strictEqual(input.viewType, 'attractor.modelCard');
    assert.strictEqual(input.uri.fsPath, uri('lorenz_flow.onnx').fsPath);
    assert.strictEqual(ortLoaded(), false, 'the card reads the file without onnxruntime');
  });

  it('Attractor: Preview Model with a file opens a preview panel (one per file)', async () => {
    await vscode.commands.executeCommand('attractor.previewModel', uri('lorenz_flow.onnx'));
    const previews = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .filter(
          (t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('attractor.modelPreview'),
        );
    await until(() => previews().length === 1 || undefined, 'a preview tab');
    await vscode.commands.executeCommand('attractor.previewModel', uri('lorenz_flow.onnx'));
    assert.strictEqual(previews().length, 1);
    assert.strictEqual(previews()[0].label, 'Preview: lorenz_flow.onnx');
  });

  it('runs models with onnxruntime-node inside the extension host', async () => {
    const flow = await api.models.run(uri('lorenz_flow.onnx'), { steps: 10_000 });
    assert.strictEqual(flow.path, 'loop');
    assert.strictEqual(flow.data.length, 30_000);
    assert.ok(flow.data.every(Number.isFinite));
    assert.ok(ortLoaded());
    const map = await api.models.run(uri('pytorch_map.onnx'), {
      steps: 100,
      kind: 'map',
      initialState: [0.1, 0.2, 0.3],
    });
    assert.strictEqual(map.width, 3);
    const rollout = await api.models.run(uri('rotation_rollout.onnx'), { steps: 50 });
    assert.strictEqual(rollout.path, 'rollout');
  });

  it('reports bad files and bad runs with messages for people', async () => {
    const reject = (name: string, request: { steps: number; initialState?: number[] }, pattern: RegExp) =>
      assert.rejects(api.models.run(uri(name), request), (err: Error) => pattern.test(err.message), name);
    await reject('random_bytes.onnx', { steps: 10 }, /not an ONNX model/);
    await reject('truncated.onnx', { steps: 10 }, /ends early/);
    await reject('not_dynamics.onnx', { steps: 10 }, /2 inputs .*Attractor runs three kinds of models/);
    await reject('softplus_f64.onnx', { steps: 10 }, /Softplus/);
    await reject('diverging.onnx', { steps: 1000 }, new RegExp(`step ${DIVERGING_STEP}\\b`));
    await reject('pytorch_map.onnx', { steps: 1e8, initialState: [0, 0, 0] }, /at most 10,000,000 steps/);
    await reject('pytorch_map.onnx', { steps: 10, initialState: [0, 0] }, /d = 3/);
    await reject('no_such_file.onnx', { steps: 10 }, /does not exist/);
  });

  it('sees a changed file: the next run uses the new model', async () => {
    const file = uri('changing.onnx');
    fs.writeFileSync(file.fsPath, fs.readFileSync(uri('diverging.onnx').fsPath));
    const before = await api.models.run(file, { steps: 1, initialState: [1, 1, 1] });
    assert.deepStrictEqual([...before.data], [3, 3, 3]);
    fs.writeFileSync(file.fsPath, lorenzFlow());
    const after = await api.models.run(file, { steps: 1, initialState: [1, 1, 1] });
    assert.notDeepStrictEqual([...after.data], [3, 3, 3]);
  });
});
