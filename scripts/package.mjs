// Builds attractor-<version>.vsix offline. vsce runs `vscode:prepublish` (the production build) first;
// everything the host needs is bundled except onnxruntime-node (a native addon that ships as a folder). vsce's
// dependency detection stays on (with --no-dependencies it skips node_modules entirely), and the .vscodeignore
// whitelist lets in only onnxruntime-node's JS, its linux-x64 binaries and onnxruntime-common: the package
// targets linux-x64.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = `${name}-${version}.vsix`;
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');

execFileSync(
  process.execPath,
  [vsce, 'package', '--target', 'linux-x64', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
console.log(`${out}: ${(statSync(join(root, out)).size / 1024).toFixed(0)} KB`);
