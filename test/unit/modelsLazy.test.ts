/**
 * Activation stays cheap: from the Models capability's entry (register.ts), no static import reaches onnx-proto,
 * protobufjs or onnxruntime-node. They load on the first card, preview or run (require/import inside functions).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..', '..');
const HEAVY = ['onnx-proto', 'protobufjs', 'onnxruntime-node'];

/** Value imports at the top of a file (`import type` and `import { type X }`-only imports erased by tsc are skipped). */
function staticImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^import\s+(type\s+)?([^'"]*?)\s*from\s+'([^']+)';/gms)) {
    if (m[1]) continue;
    const names = m[2]
      .replace(/[{}]/g, '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (names.length > 0 && names.every((n) => n.startsWith('type '))) continue;
    out.push(m[3]);
  }
  for (const m of text.matchAll(/^import\s+'([^']+)';/gm)) out.push(m[1]);
  return out;
}

function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of staticImports(file)) {
      if (!spec.startsWith('.')) {
        seen.add(spec);
        continue;
      }
      const target = path.resolve(path.dirname(file), spec.replace(/\.js$/, '')) + '.ts';
      if (fs.existsSync(target)) queue.push(target);
    }
  }
  return seen;
}

describe('models: lazy loading', () => {
  it('register.ts reaches no onnx-proto, protobufjs or onnxruntime-node through static imports', () => {
    const seen = reachable(path.join(root, 'src', 'models', 'register.ts'));
    assert.ok(seen.has(path.join(root, 'src', 'models', 'runtime.ts')), 'the scan follows imports');
    for (const pkg of HEAVY)
      assert.ok(![...seen].some((s) => s === pkg || s.startsWith(`${pkg}/`)), `${pkg} is imported statically`);
    for (const mod of ['onnxFile.ts', 'rolloutGraph.ts', 'onnxBuild.ts']) {
      assert.ok(!seen.has(path.join(root, 'src', 'models', mod)), `${mod} is imported statically`);
    }
  });
});
