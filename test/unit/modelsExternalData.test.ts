/**
 * A model file must not read files on disk through ONNX external data: every tensor of the model is found,
 * a location that is not a regular file beside the model is refused, and one that is gets read from the
 * model's folder, never from the process's working directory.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { refuseExternalData } from '../../src/models/externalData';
import { ModelRunError } from '../../src/models/modelErrors';
import { inspectOnnx } from '../../src/models/onnxFile';
import { ModelRuntime, type RolloutChunk } from '../../src/models/runtime';
import { runRefusal } from '../../src/models/runRefusal';
import { recognise } from '../../src/models/signature';
import { externalWeightsMap, hiddenExternalData, weightsFile } from '../fixtures/models/externalData';

const quiet = { info: () => undefined, warn: () => undefined };

describe('models: external data', function () {
  this.timeout(20_000);
  let dir: string;
  let cwd: string;
  const savedCwd = process.cwd();
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attractor-ext-model-'));
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'attractor-ext-cwd-'));
  });
  afterEach(() => {
    process.chdir(savedCwd);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  it('finds external tensors everywhere: initializers, Constant nodes, Loop bodies in If branches, sparse initializers, functions', () => {
    assert.deepEqual(
      inspectOnnx(externalWeightsMap('w.bin')).externalData.map((t) => [t.tensor, t.location, t.where]),
      [['W', 'w.bin', 'initializer']],
    );
    const constant = inspectOnnx(externalWeightsMap('w.bin', 'constant'));
    assert.equal(constant.initializerCount, 0);
    assert.deepEqual(
      constant.externalData.map((t) => t.where),
      ['Constant node "weights" attribute value'],
    );
    const hidden = inspectOnnx(hiddenExternalData()).externalData;
    assert.deepEqual(
      hidden.map((t) => t.location).sort(),
      ['../secret', '/etc/shadow', 'etc/passwd', 'etc/passwd'].sort(),
    );
    assert.ok(
      hidden.some((t) => /If node "if" then_branch › Loop node "loop" body › Constant/.test(t.where)),
      JSON.stringify(hidden),
    );
    assert.ok(hidden.some((t) => /^function f ›/.test(t.where)));
  });

  it('refuses absolute paths, `..`, missing files and symbolic links out of the folder; accepts a file beside the model', async () => {
    const model = path.join(dir, 'm.onnx');
    const refuse = (location: string) => refuseExternalData(model, [{ tensor: 'W', location, where: 'initializer' }]);
    assert.match((await refuse('/etc/passwd'))!, /absolute path/);
    assert.match((await refuse('../etc/passwd'))!, /goes up/);
    assert.match((await refuse('a/../../etc/passwd'))!, /goes up/);
    assert.match((await refuse('etc/passwd'))!, /does not exist beside the model/);
    assert.match((await refuse(''))!, /names no file/);
    const outside = path.join(cwd, 'secret.bin');
    fs.writeFileSync(outside, 'secret');
    fs.symlinkSync(outside, path.join(dir, 'link.bin'));
    assert.match((await refuse('link.bin'))!, /outside the model's folder/);
    fs.mkdirSync(path.join(dir, 'sub'));
    assert.match((await refuse('sub'))!, /not a regular file/);
    fs.writeFileSync(path.join(dir, 'w.bin'), weightsFile([1, 0, 0, 1]));
    assert.equal(await refuse('w.bin'), undefined);
  });

  it('a location that exists only relative to the working directory is refused: its bytes never reach a run', async () => {
    // Before: onnxruntime resolved "secret.bin" against the process's cwd and the map returned its bytes.
    fs.writeFileSync(path.join(cwd, 'secret.bin'), weightsFile([7, 7, 7, 7]));
    process.chdir(cwd);
    const file = path.join(dir, 'm.onnx');
    fs.writeFileSync(file, externalWeightsMap('secret.bin'));
    const runtime = new ModelRuntime(quiet);
    try {
      const { info, refusal } = await runtime.inspect(file);
      assert.match(refusal!, /does not exist beside the model/);
      const r = recognise(info);
      assert.ok(r.ok, r.ok ? '' : r.reason);
      await assert.rejects(
        runtime.rollout(file, { signature: r.signature, initialStates: [[1, 2]], steps: 2, dt: 1 }, () => undefined),
        (err: unknown) => err instanceof ModelRunError && /beside the model/.test(err.message),
      );
    } finally {
      runtime.dispose();
    }
  });

  it('weights in a file beside the model are read from the model’s folder, whatever the working directory', async () => {
    // Before: a model loaded from bytes looked for "w.bin" in the cwd and failed to load.
    process.chdir(cwd);
    const file = path.join(dir, 'm.onnx');
    fs.writeFileSync(file, externalWeightsMap('w.bin'));
    fs.writeFileSync(path.join(dir, 'w.bin'), weightsFile([0, 1, -1, 0]));
    const runtime = new ModelRuntime(quiet);
    try {
      const { info, refusal } = await runtime.inspect(file);
      assert.equal(refusal, undefined);
      const r = recognise(info);
      assert.ok(r.ok, r.ok ? '' : r.reason);
      const chunks: RolloutChunk[] = [];
      await runtime.rollout(
        file,
        { signature: r.signature, initialStates: [[1, 2]], steps: 2, dt: 1, path: 'perStep' },
        (c) => void chunks.push(c),
      );
      // W = [[0, 1], [-1, 0]]: (1, 2) → (2, -1) → (-1, -2)
      assert.deepEqual([...chunks.flatMap((c) => [...c.data])], [2, -1, -1, -2]);
    } finally {
      runtime.dispose();
    }
  });

  it('Restricted Mode, a Hub download, or a refused location: shown but not run, with the reason', () => {
    const ext = { externalData: [{ tensor: 'W', location: 'w.bin', where: 'initializer' }] };
    const none = { externalData: [] };
    const mine = { inWorkspace: true, trusted: true, downloaded: false };
    assert.equal(runRefusal(mine, none, undefined), undefined);
    assert.equal(runRefusal(mine, ext, undefined), undefined);
    assert.match(runRefusal({ ...mine, trusted: false }, none, undefined)!, /Restricted Mode/);
    assert.equal(runRefusal({ inWorkspace: false, trusted: false, downloaded: true }, none, undefined), undefined);
    assert.match(runRefusal({ inWorkspace: false, trusted: true, downloaded: true }, ext, undefined)!, /downloaded/);
    assert.match(runRefusal(mine, ext, 'Tensor "W" … is an absolute path.')!, /only from files beside the model/);
  });
});
