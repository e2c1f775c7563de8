import assert from 'node:assert/strict';
import { trajectoryCsv, trajectoryNpy } from '../../src/models/exportFormats';
import { renderCardError, renderModelCard } from '../../src/models/modelCardHtml';
import { ModelFileError } from '../../src/models/modelErrors';
import { inspectOnnx } from '../../src/models/onnxFile';
import { encodeModel, FLOAT, model, node, valueInfo } from '../../src/core/onnxBuild';
import { parseCardToHost, parseHostToPreview, parsePreviewToHost } from '../../src/models/previewProtocol';
import { recognise } from '../../src/models/signature';
import { lorenzFlow, nonMatching, pytorchMap } from '../fixtures/models/models';

describe('models: preview protocol', () => {
  it('accepts well-formed webview messages and rejects everything else', () => {
    const params = { initialState: [1, 2, 3], steps: 100, dt: 0.01, members: 2, perturbation: 0.001, burnIn: 10 };
    assert.deepEqual(parsePreviewToHost({ type: 'run', params }), { type: 'run', params });
    assert.equal(parsePreviewToHost({ type: 'run', params: { ...params, steps: 'many' } }), undefined);
    assert.equal(parsePreviewToHost({ type: 'run', params: { ...params, initialState: [1, NaN] } }), undefined);
    assert.deepEqual(parsePreviewToHost({ type: 'export', format: 'npy' }), { type: 'export', format: 'npy' });
    assert.equal(parsePreviewToHost({ type: 'export', format: 'exe' }), undefined);
    assert.equal(parsePreviewToHost({ type: 'exportPng', dataUrl: 'javascript:alert(1)' }), undefined);
    assert.equal(parsePreviewToHost({ type: 'openFile', path: '/etc/passwd' }), undefined);
    assert.deepEqual(parseCardToHost({ type: 'preview' }), { type: 'preview' });
    assert.equal(parseCardToHost({ type: 'setKind', kind: 'rollout' }), undefined);
  });

  it('validates chunks on the webview side: the data length must match steps × members × width', () => {
    const chunk = { type: 'chunk', runId: 1, start: 0, steps: 2, members: 1, width: 3, data: new Float32Array(6) };
    assert.equal(parseHostToPreview(chunk)?.type, 'chunk');
    assert.equal(parseHostToPreview({ ...chunk, data: [1, 2, 3, 4, 5, 6] })?.type, 'chunk');
    assert.equal(parseHostToPreview({ ...chunk, data: new Float32Array(5) }), undefined);
    assert.equal(
      parseHostToPreview({ type: 'metrics', runId: 1, table: { title: 'x', rows: [{ name: 'VPT', value: 3 }] } }),
      undefined,
    );
    assert.equal(
      parseHostToPreview({ type: 'metrics', runId: 1, table: { title: 'x', rows: [{ name: 'VPT', value: '3.1 Λt' }] } })
        ?.type,
      'metrics',
    );
  });
});

describe('models: exports', () => {
  const t = {
    data: Float32Array.of(1, 2, 3, 4, 5.5, 6, 7, 8),
    steps: 2,
    members: 2,
    width: 2,
    names: ['x', 'y,z'],
    firstStep: 11,
    timeStep: 0.5,
  };

  it('writes CSV with step, time, member and quoted names', () => {
    assert.equal(trajectoryCsv(t), 'step,time,member,x,"y,z"\n11,5.5,0,1,2\n11,5.5,1,3,4\n12,6,0,5.5,6\n12,6,1,7,8\n');
  });

  it('writes a .npy v1.0 header padded to 64 bytes and little-endian float32 data', () => {
    const bytes = trajectoryNpy(t);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x93, 78, 85, 77, 80, 89, 1, 0]);
    const headerLength = bytes[8] | (bytes[9] << 8);
    assert.equal((10 + headerLength) % 64, 0);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
    assert.match(header, /'descr': '<f4', 'fortran_order': False, 'shape': \(2, 2, 2\)/);
    assert.ok(header.endsWith('\n'));
    const data = new Float32Array(bytes.slice(10 + headerLength).buffer);
    assert.deepEqual([...data], [1, 2, 3, 4, 5.5, 6, 7, 8]);
  });
});

describe('models: model card', () => {
  it('shows the facts and what Attractor recognised, with a Preview button', () => {
    const info = inspectOnnx(pytorchMap());
    const html = renderModelCard('pytorch_map.onnx', info, recognise(info));
    for (const text of [
      'IR version',
      'ai.onnx 17',
      'pytorch',
      'input.1',
      'batch_size',
      'Gemm</code> × 2',
      'Undecided: a map',
      'id="preview"',
    ]) {
      assert.ok(html.includes(text), `card shows ${text}`);
    }
  });

  it('explains what it expected instead of a Preview button when nothing fits', () => {
    const info = inspectOnnx(nonMatching());
    const html = renderModelCard('x.onnx', info, recognise(info));
    assert.ok(!html.includes('id="preview"'));
    assert.match(html, /cannot preview this model/);
    assert.match(html, /a map x_t → x_\{t\+1\}/);
  });

  it('escapes everything that comes from the file', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const bytes = encodeModel(
      model({
        docString: evil,
        graph: {
          name: evil,
          node: [node('Identity', [evil], ['y'])],
          input: [valueInfo(evil, FLOAT, ['B', 3])],
          output: [valueInfo('y', FLOAT, ['B', 3])],
        },
        metadata: { [evil]: evil, 'dynamics.kind': 'map' },
      }),
    );
    const info = inspectOnnx(bytes);
    const html = renderModelCard(evil, info, recognise(info));
    assert.ok(!html.includes('<img'), 'no raw HTML from the file');
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(!renderCardError(evil, new ModelFileError('notOnnx', evil)).includes('<img'));
  });

  it('shows metadata of a flow', () => {
    const info = inspectOnnx(lorenzFlow());
    const html = renderModelCard('lorenz.onnx', info, recognise(info));
    assert.match(html, /dynamics\.system/);
    assert.match(html, /Recognised as a flow/);
    assert.match(html, /from its <code>dynamics\.kind<\/code> metadata/);
  });
});
