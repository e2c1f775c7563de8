/**
 * "Analyse dynamics" in a real VS Code (code-server + Chromium): the zoo's PLRNN analysed from the preview's run
 * (fixed points solved exactly with their symbolic codes, the subregions visited, markers and the run coloured by
 * subregion over the 3D view, its Lyapunov spectrum and D_KY beside Lorenz-63's), Copy as Markdown read back from
 * the clipboard; a user's PyTorch-style shallow PLRNN export (input.1, dynamic batch, opset 13) solved exactly; the command on the Lorenz-63 RK4 map
 * (Newton: the origin and C±); the analysis shown again after a window reload, and dropped when the model file
 * changes (it was of the old version).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { FrameLocator } from 'playwright-core';
import { useWorkbench } from '../harness/mocha';
import { repoRoot } from '../harness/paths';
import { waitFor } from '../harness/poll';
import { pickModel, previewModel } from '../harness/workbench';
import { HAND_PLRNN, torchShallowPlrnn } from '../fixtures/models/models';

describe('dynamics analysis in the model preview (UI)', function () {
  this.timeout(300_000);
  const ui = useWorkbench();

  before(async () => {
    await ui.wb.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ui.host.url });
  });

  function preview(file: string): Promise<FrameLocator> {
    return previewModel(ui.wb, file);
  }

  async function run(frame: FrameLocator): Promise<void> {
    await frame.locator('vscode-button#run:not([disabled])').waitFor({ timeout: 30_000 });
    await frame.locator('vscode-button#run').click();
    await waitFor(async () => /^Done:/.test((await frame.locator('#status').textContent()) ?? ''), {
      timeout: 60_000,
      message: 'the run to finish',
    });
  }

  /** Waits for the analysis to finish; returns the table's rows as cell texts. */
  async function analysed(frame: FrameLocator): Promise<string[][]> {
    await waitFor(async () => /found in/.test((await frame.locator('#analysis-status').textContent()) ?? ''), {
      timeout: 180_000,
      message: 'the analysis to finish',
    });
    return frame
      .locator('#analysis-table tr')
      .evaluateAll((rows) => rows.map((r) => Array.from(r.children, (c) => (c.textContent ?? '').trim())));
  }

  /** The spectrum table: [header, …rows] as cell texts. */
  function spectrum(frame: FrameLocator): Promise<string[][]> {
    return frame
      .locator('#analysis-spectrum tr')
      .evaluateAll((rows) => rows.map((r) => Array.from(r.children, (c) => (c.textContent ?? '').trim())));
  }

  async function copiedMarkdown(frame: FrameLocator, heading: string): Promise<string> {
    await ui.wb.page.evaluate(() => navigator.clipboard.writeText('nothing yet'));
    await frame.locator('vscode-button#analysis-copy').click();
    return waitFor(
      async () => {
        const t = await ui.wb.page.evaluate(() => navigator.clipboard.readText());
        return t.startsWith(heading) ? t : undefined;
      },
      { timeout: 10_000, message: 'the Markdown table on the clipboard' },
    );
  }

  it('analyses the zoo PLRNN exactly: fixed points with codes, subregions, markers and colours; Copy as Markdown', async () => {
    const frame = await preview('lorenz63-plrnn.onnx');
    await run(frame);
    await frame.locator('vscode-button#analyse').click();
    const rows = await analysed(frame);
    assert.deepStrictEqual(rows[0], [
      'point',
      'coordinates',
      'multipliers μ',
      'type',
      'unstable dims',
      'residual',
      'symbolic code',
    ]);
    const fixed = rows.slice(1).filter((r) => /^fixed point \d+$/.test(r[0]));
    assert.ok(fixed.length >= 1, JSON.stringify(rows));
    for (const r of fixed) {
      assert.match(r[1], /^\(.+, .+, .+\)$/);
      assert.match(r[3], /^(saddle|saddle-focus|stable node|stable focus|unstable node|unstable focus)$/);
      assert.match(r[6], /^[0-9a-f]{50}$/, 'a symbolic code of the 200 ReLUs');
    }
    assert.strictEqual(await frame.locator('#analysis').getAttribute('data-method'), 'exact');
    assert.match((await frame.locator('#analysis-method').textContent()) ?? '', /clipped shallow PLRNN/);
    const regions = Number(await frame.locator('#analysis').getAttribute('data-regions'));
    assert.ok(regions > 1, `${regions} subregions`);
    assert.ok((await frame.locator('#analysis-regions li').count()) > 1);
    await waitFor(
      async () => Number((await frame.locator('#analysis-overlay').getAttribute('data-coloured')) ?? 0) > 100,
      { timeout: 10_000, message: 'the run coloured by subregion' },
    );
    assert.ok(Number(await frame.locator('#analysis-overlay').getAttribute('data-markers')) >= fixed.length);

    // the model's spectrum and D_KY beside Lorenz-63's (QR reference values)
    const spec = await spectrum(frame);
    assert.deepStrictEqual(spec[0], ['Lyapunov spectrum', 'model', 'Lorenz-63 (true system)']);
    assert.deepStrictEqual(
      spec.slice(1).map((r) => r[0]),
      ['λ1', 'λ2', 'λ3', 'D_KY'],
    );
    assert.deepStrictEqual(
      spec.slice(1).map((r) => r[2]),
      ['0.9046', '−3.000e−4', '−14.57', '2.062'],
    );
    const model = spec.slice(1).map((r) => Number(r[1].replace(/−/g, '-')));
    assert.ok(model.every(Number.isFinite), JSON.stringify(spec));
    assert.ok(model[0] > 0 && model[2] < 0, `a chaotic attractor: ${JSON.stringify(spec)}`);
    assert.ok(model[3] > 1 && model[3] < 3, `D_KY ${model[3]}`);

    const copied = await copiedMarkdown(frame, '**Dynamics of lorenz63-plrnn.onnx**');
    assert.match(
      copied,
      /\| Lyapunov spectrum \| model \| Lorenz-63 \(true system\) \|\n\| --- \| --- \| --- \|\n\| λ1 \| /,
    );
    const lines = copied.split('\n');
    assert.strictEqual(
      lines[2],
      '| point | coordinates | multipliers μ | type | unstable dims | residual | symbolic code |',
    );
    assert.strictEqual(lines[3], '| --- | --- | --- | --- | --- | --- | --- |');
    assert.match(lines[4], /^\| fixed point 1 \| \(.+\) \| .+ \| .+ \| \d \| .+ \| [0-9a-f]{50} \|$/);
  });

  it('solves a user’s PyTorch-style shallow PLRNN export (input.1, dynamic batch, opset 13) exactly, with codes', async () => {
    // z′ = A⊙z + W₁ relu(W₂z + h₂) + h₁, d = 2, one hidden unit (see HAND_PLRNN): the stable fixed point
    // (−2/3, 0) in subregion 0 and the saddle 2-cycle (−3, 0.5495) ↔ (0.5, 0.1648) through subregions 0 and 1
    const dir = path.join(ui.host.workspace, 'models');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'torch_plrnn.onnx'), torchShallowPlrnn(HAND_PLRNN));
    await pickModel(ui.wb, 'Preview Model', 'torch_plrnn.onnx');
    await ui.wb.page
      .locator('.quick-input-widget .quick-input-title', { hasText: 'a map or a flow' })
      .waitFor({ timeout: 20_000 });
    await ui.wb.pickQuickItem('map');
    const frame = await ui.wb.webview('Preview: torch_plrnn.onnx');
    await run(frame);
    await frame.locator('vscode-button#analyse').click();
    const rows = await analysed(frame);
    assert.strictEqual(await frame.locator('#analysis').getAttribute('data-method'), 'exact');
    assert.match(
      (await frame.locator('#analysis-method').textContent()) ?? '',
      /^Piecewise linear: shallow PLRNN .*d = 2, 1 hidden units/,
    );
    // the run settles on the fixed point, so the 2-cycle is flagged as far outside the run's box
    const body = rows.slice(1).map((r) => [r[0].replace(/ \(far outside the run’s box\)$/, ''), ...r.slice(1)]);
    assert.deepStrictEqual(
      body.map((r) => [r[0], r[1], r[3], r[4], r[6]]),
      [
        ['fixed point 1', '(−0.6667, 0)', 'stable node', '0', '0'],
        ['2-cycle 1, point 1', body[1][1], 'saddle', '1', body[1][6]],
        ['2-cycle 1, point 2', body[2][1], '″', '″', body[2][6]],
      ],
      JSON.stringify(rows),
    );
    assert.deepStrictEqual([body[1], body[2]].map((r) => [r[1], r[6]]).sort(), [
      ['(0.5, 0.1648)', '1'],
      ['(−3, 0.5495)', '0'],
    ]);
    await waitFor(
      async () => Number((await frame.locator('#analysis-overlay').getAttribute('data-markers')) ?? 0) === 3,
      { timeout: 10_000, message: 'a marker for the fixed point and for each point of the 2-cycle' },
    );
    const copied = await copiedMarkdown(frame, '**Dynamics of torch_plrnn.onnx**');
    const lines = copied.split('\n');
    assert.strictEqual(
      lines[2],
      '| point | coordinates | multipliers μ | type | unstable dims | residual | symbolic code |',
    );
    assert.match(lines[4], /^\| fixed point 1 \| \(−0\.6667, 0\) \| 0\.3; −0\.5 \| stable node \| 0 \| .+ \| 0 \|$/);
  });

  it('Attractor: Analyse Model Dynamics finds Lorenz-63’s origin (saddle) and C± (saddle-foci) in the RK4 map, kept after a reload', async () => {
    const frame = await preview('lorenz63-rk4.onnx');
    await ui.wb.runCommand('Attractor: Analyse Model Dynamics');
    const rows = await analysed(frame);
    const fixed = rows.slice(1);
    assert.strictEqual(fixed.length, 3, JSON.stringify(rows));
    const types = fixed.map((r) => r[3]).sort();
    assert.deepStrictEqual(types, ['saddle', 'saddle-focus', 'saddle-focus']);
    assert.strictEqual(fixed.find((r) => r[3] === 'saddle')![4], '1');
    assert.ok(fixed.filter((r) => r[3] === 'saddle-focus').every((r) => r[4] === '2'));
    assert.match((await frame.locator('#analysis-method').textContent()) ?? '', /Newton/);

    const { page } = ui.wb;
    await ui.wb.runCommand('Developer: Reload Window');
    await page.waitForLoadState('domcontentloaded');
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await waitFor(async () => (await ui.wb.editorTabs()).includes('Preview: lorenz63-rk4.onnx'), {
      timeout: 60_000,
      message: 'the preview tab after the reload',
    });
    await page.locator('.part.editor .tabs-container .tab', { hasText: 'Preview: lorenz63-rk4.onnx' }).first().click();
    const again = await ui.wb.webview('Preview: lorenz63-rk4.onnx');
    const restored = await analysed(again);
    assert.deepStrictEqual(restored, rows);
  });

  it('drops the analysis shown when the model file changes on disk', async () => {
    const dir = path.join(ui.host.workspace, 'models');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'vdp-changing.onnx');
    const bytes = fs.readFileSync(path.join(repoRoot, 'media', 'models', 'vanderpol-rk4.onnx'));
    fs.writeFileSync(file, bytes);
    const frame = await preview('vdp-changing.onnx');
    await ui.wb.runCommand('Attractor: Analyse Model Dynamics');
    const rows = await analysed(frame);
    assert.ok(rows.length > 1, JSON.stringify(rows));
    // the same bytes written again: only the version (mtime) differs, as after a retrain that kept the size
    fs.writeFileSync(file, bytes);
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(file, later, later);
    await frame.locator('#analysis-status', { hasText: 'changed since it was analysed' }).waitFor({ timeout: 30_000 });
    assert.strictEqual(await frame.locator('#analysis-table').count(), 0, 'no table of the old version');
    assert.strictEqual(await frame.locator('#analysis').getAttribute('data-points'), '0');
  });
});
