/** Activation cost vs the first render, each sample in a fresh Node process so module caches are cold. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { median, ms } from './stats';

const SAMPLES = 9;
const sample = (...args: string[]) =>
  JSON.parse(
    execFileSync(process.execPath, [join(__dirname, 'activationSample.js'), ...args], { encoding: 'utf8' }),
  ) as {
    activateMs: number;
    firstRenderMs: number;
  };

const activate: number[] = [];
const firstRender: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  activate.push(sample().activateMs);
  firstRender.push(sample('--render').firstRenderMs);
}
console.log(`Activation (fresh process each, vscode stubbed, ${SAMPLES} samples)`);
console.log(`  load bundle + activate()      median ${ms(median(activate))}`);
console.log(`  first render (loads KaTeX)    median ${ms(median(firstRender))}`);
console.log(
  `  ratio activate / first render ${(median(activate) / median(firstRender)).toFixed(2)}  (work kept out of activation)`,
);
