/**
 * The packaged extension: `npm run package` builds attractor-<version>.vsix, a fresh VS Code installs it with
 * --install-extension, and the Attractor view and its log work from the installed copy.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { useWorkbench } from '../harness/mocha';
import { extensionFolderName, readPackageJson, repoRoot } from '../harness/paths';
import { waitFor } from '../harness/poll';

const pkg = readPackageJson();
const VSIX = path.join(repoRoot, `${pkg.name}-${pkg.version}.vsix`);

describe('packaged extension (UI)', function () {
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
      (JSON.parse(fs.readFileSync(path.join(repoRoot, 'media', 'library', 'default-listing.json'), 'utf8')) as Array<{ title: string }>).map(
        (p) => p.title,
      ),
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
});
