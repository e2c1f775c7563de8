/**
 * Activation stays cheap: from the Models capability's entry (register.ts), no static import reaches onnx-proto,
 * protobufjs or onnxruntime-node. They load on the first card, preview or run (require/import inside functions).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { reachable, repoRoot as root } from './imports';

const HEAVY = ['onnx-proto', 'protobufjs', 'onnxruntime-node'];

describe('models: lazy loading', () => {
  it('register.ts reaches no onnx-proto, protobufjs or onnxruntime-node through static imports', () => {
    const seen = reachable(path.join(root, 'src', 'models', 'register.ts'), (l) => !l.typeOnly && !l.lazy);
    assert.ok(seen.has(path.join(root, 'src', 'models', 'runtime.ts')), 'the scan follows imports');
    for (const pkg of HEAVY)
      assert.ok(![...seen].some((s) => s === pkg || s.startsWith(`${pkg}/`)), `${pkg} is imported statically`);
    for (const mod of ['models/onnxFile.ts', 'models/rolloutGraph.ts', 'core/onnxBuild.ts', 'core/onnxGraph.ts']) {
      assert.ok(!seen.has(path.join(root, 'src', ...mod.split('/'))), `${mod} is imported statically`);
    }
  });
});
