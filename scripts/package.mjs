// Builds one attractor-<version>-<target>.vsix per platform that both native dependencies ship for, offline
// except for npm itself. vsce runs `vscode:prepublish` (the production build) first; everything the host needs
// is bundled except onnxruntime-node and libsql (native addons that ship as folders). vsce's dependency
// detection stays on (with --no-dependencies it skips node_modules entirely), and the .vscodeignore whitelist
// plus the target's lines below let in only the JS of those two and the target's own binaries:
// onnxruntime-node carries every platform's binaries in its one npm package; libsql has one npm package per
// platform (@libsql/<platform>), of which npm installs only this machine's, so the others are fetched from
// the npm registry with `npm pack` (the version and integrity the lockfile records) into node_modules.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** VS Code's target, libsql's platform package, onnxruntime-node's binary folder. */
export const TARGETS = [
  { target: 'linux-x64', libsql: 'linux-x64-gnu', ort: 'linux/x64' },
  { target: 'linux-arm64', libsql: 'linux-arm64-gnu', ort: 'linux/arm64' },
  { target: 'darwin-arm64', libsql: 'darwin-arm64', ort: 'darwin/arm64' },
  { target: 'win32-x64', libsql: 'win32-x64-msvc', ort: 'win32/x64' },
];

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));

/** Puts @libsql/<platform> into node_modules at the version the lockfile pins, from the npm registry. */
function ensureLibsqlPlatform(platform) {
  const key = `node_modules/@libsql/${platform}`;
  const pinned = lock.packages[key];
  if (!pinned) throw new Error(`${key} is not in package-lock.json`);
  const dir = join(root, key);
  if (existsSync(join(dir, 'package.json'))) {
    const have = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
    if (have === pinned.version) return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'attractor-pack-'));
  try {
    const [packed] = JSON.parse(
      execFileSync(npm, ['pack', '--json', `@libsql/${platform}@${pinned.version}`, '--pack-destination', tmp], {
        cwd: tmp,
        encoding: 'utf8',
      }),
    );
    if (pinned.integrity && packed.integrity !== pinned.integrity)
      throw new Error(`@libsql/${platform}: integrity ${packed.integrity} is not the lockfile's ${pinned.integrity}`);
    execFileSync('tar', ['-xzf', join(tmp, packed.filename), '-C', tmp]);
    rmSync(dir, { recursive: true, force: true });
    cpSync(join(tmp, 'package'), dir, { recursive: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const baseIgnore = readFileSync(join(root, '.vscodeignore'), 'utf8');
for (const t of TARGETS.filter((x) => only.length === 0 || only.includes(x.target))) {
  ensureLibsqlPlatform(t.libsql);
  const ignoreFile = join(tmpdir(), `attractor-vscodeignore-${t.target}`);
  writeFileSync(
    ignoreFile,
    `${baseIgnore}\n# ${t.target}: its own binaries only\n` +
      `!node_modules/onnxruntime-node/bin/napi-v6/${t.ort}/**\n` +
      `!node_modules/@libsql/${t.libsql}/package.json\n` +
      `!node_modules/@libsql/${t.libsql}/*.node\n`,
  );
  const out = `${name}-${version}-${t.target}.vsix`;
  execFileSync(
    process.execPath,
    [
      vsce,
      'package',
      '--target',
      t.target,
      '--ignoreFile',
      ignoreFile,
      '--allow-missing-repository',
      '--no-rewrite-relative-links',
      '--out',
      out,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  rmSync(ignoreFile, { force: true });
  console.log(`${out}: ${(statSync(join(root, out)).size / 1024).toFixed(0)} KB`);
}
