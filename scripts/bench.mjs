// npm run bench: figures measured in one run, printed with the ratios that matter (the machine is noisy,
// so compare numbers from the same run, never against a fixed threshold).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (script, ...args) =>
  JSON.parse(execFileSync(process.execPath, [join(root, 'out', 'test', 'bench', script), ...args], { cwd: root, encoding: 'utf8' }));
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const median = (xs) => quantile(xs, 0.5);
const ms = (x) => `${x.toFixed(2)} ms`;

console.log('Building…');
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'test/tsconfig.json'], { cwd: root, stdio: 'inherit' });

const SAMPLES = 9;
const cold = [];
const withRender = [];
for (let i = 0; i < SAMPLES; i++) {
  cold.push(run('activation.js').activateMs);
  withRender.push(run('activation.js', '--render').firstRenderMs);
}
console.log('\nActivation (fresh process each, vscode stubbed, %d samples)', SAMPLES);
console.log(`  load bundle + activate()      median ${ms(median(cold))}`);
console.log(`  first render (loads KaTeX)    median ${ms(median(withRender))}`);
console.log(`  ratio activate / first render ${(median(cold) / median(withRender)).toFixed(2)}  (work deferred out of activation)`);

const r = run('render.js');
console.log(`\nRender ${r.abstracts} default abstracts × ${r.rounds} rounds`);
console.log(`  repair + markdown-it + KaTeX  median ${ms(median(r.mathTimes))}  p95 ${ms(quantile(r.mathTimes, 0.95))}  per abstract (goal ≤ 5 ms p95)`);
console.log(`  markdown-it alone             median ${ms(median(r.plainTimes))}  p95 ${ms(quantile(r.plainTimes, 0.95))}`);
console.log(`  ratio with math / without     median ${(median(r.mathTimes) / median(r.plainTimes)).toFixed(1)}×  p95 ${(quantile(r.mathTimes, 0.95) / quantile(r.plainTimes, 0.95)).toFixed(1)}×`);
