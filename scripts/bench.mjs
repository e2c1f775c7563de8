// npm run bench: every test/bench/*.bench.ts, each in its own Node process, printing its figures with the
// ratios that matter. The machine is noisy: compare numbers from the same run, never against a fixed time.
// Usage: npm run bench [-- <name filter>]
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './lib/setup.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filter = process.argv[2] ?? '';

await ensureDeps();
console.log('Building…');
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'test/tsconfig.json'], {
  cwd: root,
  stdio: 'inherit',
});

const dir = join(root, 'out', 'test', 'bench');
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js') && f.includes(filter))
  .sort()) {
  console.log(`\n== ${file.replace(/\.bench\.js$/, '')}`);
  execFileSync(process.execPath, ['--expose-gc', join(dir, file)], { cwd: root, stdio: 'inherit' });
}
