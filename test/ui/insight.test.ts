/**
 * "Analyse dynamics" in a real VS Code (code-server + Chromium): the zoo's PLRNN analysed from the preview's run
 * (fixed points solved exactly with their symbolic codes, the subregions visited, markers and the run coloured by
 * subregion over the 3D view), Copy as Markdown read back from the clipboard; the command on the Lorenz-63 RK4 map
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
import { previewModel } from '../harness/workbench';

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

    await ui.wb.page.evaluate(() => navigator.clipboard.writeText('nothing yet'));
    await frame.locator('vscode-button#analysis-copy').click();
    const copied = await waitFor(
      async () => {
        const t = await ui.wb.page.evaluate(() => navigator.clipboard.readText());
        return t.startsWith('**Dynamics of lorenz63-plrnn.onnx**') ? t : undefined;
      },
      { timeout: 10_000, message: 'the Markdown table on the clipboard' },
    );
    const lines = copied.split('\n');
    assert.strictEqual(
      lines[2],
      '| point | coordinates | multipliers μ | type | unstable dims | residual | symbolic code |',
    );
    assert.strictEqual(lines[3], '| --- | --- | --- | --- | --- | --- | --- |');
    assert.match(lines[4], /^\| fixed point 1 \| \(.+\) \| .+ \| .+ \| \d \| .+ \| [0-9a-f]{50} \|$/);
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
