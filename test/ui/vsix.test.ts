/**
 * The packaged extension: `npm run package` builds attractor-<version>.vsix, a fresh VS Code installs it with
 * --install-extension, and the Attractor view, its log and model previews work from the installed copy. The
 * linux-x64 .vsix carries onnxruntime-node (its JS, onnxruntime-common and the linux-x64 binaries only).
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { useWorkbench } from '../harness/mocha';
import { extensionFolderName, readPackageJson, repoRoot } from '../harness/paths';
import { waitFor } from '../harness/poll';
import { escapeRegExp } from '../harness/workbench';

const pkg = readPackageJson();
const VSIX = path.join(repoRoot, `${pkg.name}-${pkg.version}.vsix`);

describe('packaged extension (UI)', function () {
  this.timeout(180_000);
  before(function () {
    this.timeout(300_000);
    fs.rmSync(VSIX, { force: true });
    const r = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, stdio: 'inherit', env: process.env });
    assert.strictEqual(r.status, 0, '`npm run package` failed');
    assert.ok(fs.existsSync(VSIX), `${path.basename(VSIX)} was not produced`);
  });

  // Hooks run in order: the package exists before the host installs it.
  const ui = useWorkbench({ host: { extension: { vsix: VSIX } } });

  it('is installed as a copy (not the dev folder)', () => {
    const installed = path.join(ui.host.extensionsDir, extensionFolderName());
    const stat = fs.lstatSync(installed);
    assert.ok(stat.isDirectory() && !stat.isSymbolicLink(), `${installed} is an installed folder`);
    assert.ok(fs.existsSync(path.join(installed, 'dist', 'extension.js')), 'dist/extension.js is packaged');
    assert.ok(!fs.existsSync(path.join(installed, 'src')), 'sources are not packaged');
  });

  it('shows the Attractor container with the Papers view and its papers', async () => {
    await ui.wb.openViewContainer('Attractor');
    await ui.wb.view('Papers').waitFor({ state: 'attached' });
    // The bundled library ships in the package: its papers show up.
    const titles = new Set(
      (
        JSON.parse(fs.readFileSync(path.join(repoRoot, 'media', 'library', 'default-listing.json'), 'utf8')) as Array<{
          title: string;
        }>
      ).map((p) => p.title),
    );
    await waitFor(async () => (await ui.wb.treeItems('Papers')).some((i) => titles.has(i.label)), {
      timeout: 30_000,
      message: 'paper rows in the Papers view',
    });
  });

  it('logs its activation', async () => {
    await ui.wb.runCommand('Attractor: Show Log');
    await waitFor(
      async () => {
        const o = await ui.wb.outputView();
        return o.channel === 'Attractor' && /activated in/.test(o.text);
      },
      { timeout: 20_000, message: 'the Attractor output channel with "activated in"' },
    );
  });

  it('carries onnxruntime-node for linux-x64 only', () => {
    const installed = path.join(ui.host.extensionsDir, extensionFolderName());
    const bin = path.join(installed, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6');
    assert.deepStrictEqual(fs.readdirSync(bin), ['linux']);
    assert.deepStrictEqual(fs.readdirSync(path.join(bin, 'linux')), ['x64']);
    assert.ok(fs.existsSync(path.join(installed, 'node_modules', 'onnxruntime-common', 'dist', 'cjs', 'index.js')));
    assert.ok(!fs.existsSync(path.join(installed, 'node_modules', 'onnx-proto')), 'onnx-proto is bundled, not shipped');
    const mb = fs.statSync(VSIX).size / 2 ** 20;
    console.log(`      ${path.basename(VSIX)}: ${mb.toFixed(1)} MB`);
    assert.ok(mb < 30, `${mb.toFixed(1)} MB`);
  });

  it('previews a bundled model from the installed copy', async () => {
    const bundled = fs
      .readdirSync(path.join(repoRoot, 'media', 'models'))
      .filter((f) => f.endsWith('.onnx'))
      .sort();
    // The zoo is committed in media/models/ and packaged: a package without it is a broken package.
    assert.ok(bundled.includes('lorenz63-rk4.onnx'), `lorenz63-rk4.onnx is bundled (found ${bundled.join(', ')})`);
    const name = 'lorenz63-rk4.onnx';
    const { page } = ui.wb;
    await ui.wb.openViewContainer('Attractor');
    const header = ui.wb.view('Models').locator('.pane-header');
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    // The zoo is listed by system, each model by its title ("Lorenz-63 · RK4 map").
    const label = name === 'lorenz63-rk4.onnx' ? 'Lorenz-63 · RK4 map' : name;
    const system = ui.wb
      .treeRows('Models')
      .filter({ has: page.locator('.label-name', { hasText: /^Lorenz-63$/ }) })
      .first();
    await system.waitFor({ timeout: 30_000 });
    if ((await system.getAttribute('aria-expanded')) !== 'true') await system.click();
    const row = ui.wb
      .treeRows('Models')
      .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) })
      .first();
    await row.waitFor({ timeout: 30_000 });
    await row.hover();
    await row.locator('.action-label[aria-label="Preview Model"]').click();
    await waitFor(async () => (await ui.wb.activeEditorTitle()) === `Preview: ${name}`, { message: 'the preview tab' });
    const frame = page.frameLocator('iframe.webview.ready >> visible=true').first().frameLocator('iframe#active-frame');
    await frame.locator('vscode-button#run').click();
    const text = await waitFor(
      async () => {
        const s = (await frame.locator('#status').textContent()) ?? '';
        return /^Done:/.test(s) ? s : undefined;
      },
      { timeout: 60_000, message: 'the run to finish' },
    );
    console.log(`      ${name} from the .vsix: ${text}`);
    assert.ok(Number(await frame.locator('#phase').getAttribute('data-points')) > 100);
  });
});
