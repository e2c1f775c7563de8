// npm run build:models: builds the model zoo (media/models/) from TypeScript sources in src/zoo/. The entry is
// bundled with esbuild into a temporary file and run with Node; flags pass through (--check, --only a,b, --out dir).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'attractor-zoo-'));
const outfile = join(work, 'build-models.cjs');
try {
  await build({
    entryPoints: [join(root, 'src', 'zoo', 'build', 'buildMain.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    absWorkingDir: root,
  });
  const run = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ATTRACTOR_ROOT: root },
  });
  process.exitCode = run.status ?? 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
