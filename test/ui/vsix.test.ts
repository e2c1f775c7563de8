/**
 * The packaged extension: `npm run package` builds attractor-<version>-<target>.vsix for each platform, every one
 * is opened (a .vsix is a zip) to check that its native binaries (onnxruntime-node, SQLite) are there and are for
 * its platform, and a fresh VS Code installs the linux-x64 one with --install-extension: the Attractor view, its
 * log and model previews work from the installed copy.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { useWorkbench } from '../harness/mocha';
import { extensionFolderName, readPackageJson, repoRoot } from '../harness/paths';
import { waitFor } from '../harness/poll';
import { escapeRegExp } from '../harness/workbench';

const pkg = readPackageJson();
const vsixOf = (target: string) => path.join(repoRoot, `${pkg.name}-${pkg.version}-${target}.vsix`);
const VSIX = vsixOf('linux-x64');

/** Each target's binaries: where they are in the package, and what their headers must say. */
const TARGETS = [
  { target: 'linux-x64', ort: 'linux/x64', libsql: 'linux-x64-gnu', format: 'ELF', machine: 'x86-64' },
  { target: 'linux-arm64', ort: 'linux/arm64', libsql: 'linux-arm64-gnu', format: 'ELF', machine: 'arm64' },
  { target: 'darwin-arm64', ort: 'darwin/arm64', libsql: 'darwin-arm64', format: 'Mach-O', machine: 'arm64' },
  { target: 'win32-x64', ort: 'win32/x64', libsql: 'win32-x64-msvc', format: 'PE', machine: 'x86-64' },
] as const;

/** The files of a zip (name → contents), read from its central directory; deflated entries inflated. */
function readZip(file: string): Map<string, Buffer> {
  const zip = fs.readFileSync(file);
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, `${file} is a zip`);
  const entries = new Map<string, Buffer>();
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0, n = zip.readUInt16LE(eocd + 10); i < n; i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLen);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + size);
    entries.set(name, method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw));
    at += 46 + nameLen + extra + comment;
  }
  return entries;
}

/** The format and machine a native binary's header declares (ELF e_machine, Mach-O cputype, PE Machine). */
function binaryKind(b: Buffer): { format: string; machine: string } {
  if (b.readUInt32BE(0) === 0x7f454c46) {
    const m = b.readUInt16LE(18);
    return { format: 'ELF', machine: m === 0x3e ? 'x86-64' : m === 0xb7 ? 'arm64' : `0x${m.toString(16)}` };
  }
  if (b.readUInt32LE(0) === 0xfeedfacf) {
    const c = b.readUInt32LE(4);
    return {
      format: 'Mach-O',
      machine: c === 0x0100000c ? 'arm64' : c === 0x01000007 ? 'x86-64' : `0x${c.toString(16)}`,
    };
  }
  if (b.toString('latin1', 0, 2) === 'MZ') {
    const pe = b.readUInt32LE(0x3c);
    assert.equal(b.toString('latin1', pe, pe + 4), 'PE\0\0');
    const m = b.readUInt16LE(pe + 4);
    return { format: 'PE', machine: m === 0x8664 ? 'x86-64' : m === 0xaa64 ? 'arm64' : `0x${m.toString(16)}` };
  }
  return { format: 'unknown', machine: 'unknown' };
}

describe('packaged extension (UI)', function () {
  this.timeout(180_000);
  before(function () {
    this.timeout(300_000);
    for (const t of TARGETS) fs.rmSync(vsixOf(t.target), { force: true });
    const r = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, stdio: 'inherit', env: process.env });
    assert.strictEqual(r.status, 0, '`npm run package` failed');
    for (const t of TARGETS)
      assert.ok(fs.existsSync(vsixOf(t.target)), `${path.basename(vsixOf(t.target))} was not produced`);
  });

  it("each platform's .vsix carries onnxruntime and SQLite binaries for its platform, and no other's", () => {
    for (const t of TARGETS) {
      const files = readZip(vsixOf(t.target));
      const ext = 'extension/node_modules';
      const required = [
        `${ext}/onnxruntime-node/bin/napi-v6/${t.ort}/onnxruntime_binding.node`,
        `${ext}/@libsql/${t.libsql}/index.node`,
        `${ext}/libsql/index.js`,
      ];
      for (const f of required) assert.ok(files.has(f), `${t.target}: ${f} in ${path.basename(vsixOf(t.target))}`);
      const binaries = [...files.keys()].filter((f) => /\.(node|so(\.\d+)*|dylib|dll)$/.test(f));
      assert.ok(binaries.length >= 3, `${t.target}: ${JSON.stringify(binaries)}`);
      for (const f of binaries) {
        assert.ok(
          f.includes(`/napi-v6/${t.ort}/`) || f.includes(`/@libsql/${t.libsql}/`),
          `${t.target}: ${f} belongs to another platform`,
        );
        assert.deepStrictEqual(
          binaryKind(files.get(f)!),
          { format: t.format, machine: t.machine },
          `${t.target}: ${f}`,
        );
      }
      console.log(
        `      ${path.basename(vsixOf(t.target))}: ${binaries.length} native binaries, all ${t.format} ${t.machine}`,
      );
    }
  });

  // Hooks run in order: the package exists before the host installs it.
  const ui = useWorkbench({ host: { extension: { vsix: VSIX } } });

  it('is installed as a copy (not the dev folder)', () => {
    const installed = path.join(ui.host.extensionsDir, extensionFolderName());
    const stat = fs.lstatSync(installed);
    assert.ok(stat.isDirectory() && !stat.isSymbolicLink(), `${installed} is an installed folder`);
    assert.ok(fs.existsSync(path.join(installed, 'dist', 'extension.js')), 'dist/extension.js is packaged');
    assert.ok(fs.existsSync(path.join(installed, 'dist', 'indexWorker.js')), 'the search index worker is packaged');
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
