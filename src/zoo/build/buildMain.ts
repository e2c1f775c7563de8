/**
 * `npm run build:models` entry (bundled and run by scripts/build-models.mjs):
 *   (no flags)        rebuild media/models/
 *   --check           rebuild in memory and compare with the committed media/models/ (exit 1 on a difference)
 *   --only a,b        only these models
 *   --out <dir>       another output folder
 */
import { join } from 'node:path';
import { buildZoo, checkZoo, writeZoo } from './buildZoo';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const root = process.env.ATTRACTOR_ROOT ?? process.cwd();
const dir = value('--out') ?? join(root, 'media', 'models');
const only = value('--only')?.split(',').filter(Boolean);

async function main(): Promise<void> {
  const zoo = await buildZoo({ only, log: (line) => console.log(`  ${line}`) });
  if (flag('--check')) {
    const result = checkZoo(zoo, dir);
    console.log(
      `checked ${zoo.files.size} files against ${dir}: ${result.identical} identical, ${result.withinTolerance} within tolerance, ${result.problems.length} problems (${zoo.seconds.toFixed(1)} s)`,
    );
    for (const p of result.problems) console.log(`  ✗ ${p}`);
    process.exitCode = result.ok ? 0 : 1;
    return;
  }
  await writeZoo(zoo, dir);
  const bytes = [...zoo.files.values()].reduce((s, b) => s + b.length, 0);
  console.log(
    `wrote ${zoo.files.size} files (${(bytes / 1024).toFixed(0)} KB) to ${dir} in ${zoo.seconds.toFixed(1)} s`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
