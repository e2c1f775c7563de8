/**
 * "Compare with Data…" in a real VS Code (code-server + Chromium): a model preview's metrics and overlay against a
 * trajectory file from the workspace instead of the true system. The model's own exported run as a `.npy` gives
 * D_stsp = D_H = 0 and a valid prediction over the whole horizon; a `.csv` with two named columns (one transformed)
 * is paired by name, the third output left out in the quick pick, and its D_stsp checked against a binning D_stsp
 * written here from the definition of Hess et al. 2023 (GTF-shPLRNN stsp_measure.jl); the choice survives a window
 * reload, "Clear data" goes back to the true system, bad files (too short, integer dtype, Fortran order, NaN rows, a
 * ragged CSV) are refused with a message naming the problem, and the zoo ESN (hidden reservoir state) gets a PE.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { FrameLocator } from 'playwright-core';
import { useWorkbench } from '../harness/mocha';
import { waitFor } from '../harness/poll';
import { previewModel } from '../harness/workbench';
import { writeWorkspaceFixtures } from '../fixtures/models/models';

const MODEL = 'lorenz_flow.onnx';
const STEPS = 1000;

/** D_stsp by binning as in stsp_measure.jl, from its definition: box min/max ± 0.1·σ (corrected) of the truth,
 * 30 bins per dim, points outside dropped, Laplace α = 1e-5 per count over K = 30^N cells, KL(p_true ‖ p_gen). */
function binnedKl(truth: number[][], gen: number[][]): number {
  const N = truth[0].length;
  const bins = 30;
  const lo: number[] = [];
  const width: number[] = [];
  for (let j = 0; j < N; j++) {
    const col = truth.map((r) => r[j]);
    const mean = col.reduce((a, b) => a + b, 0) / col.length;
    const sd = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / (col.length - 1));
    lo.push(Math.min(...col) - 0.1 * sd);
    width.push((Math.max(...col) + 0.1 * sd - lo[j]) / bins);
  }
  const count = (rows: number[][]) => {
    const cells = new Map<string, number>();
    let total = 0;
    for (const r of rows) {
      const idx = r.map((v, j) => Math.floor((v - lo[j]) / width[j]));
      if (idx.some((i) => i < 0 || i >= bins)) continue;
      cells.set(idx.join(','), (cells.get(idx.join(',')) ?? 0) + 1);
      total++;
    }
    return { cells, total };
  };
  const p = count(truth);
  const q = count(gen);
  const alpha = 1e-5;
  const K = bins ** N;
  const pk = (c: number) => (c + alpha) / (p.total + alpha * K);
  const qk = (c: number) => (c + alpha) / (q.total + alpha * K);
  let kl = 0;
  let emptyCells = K;
  for (const [cell, c] of p.cells) {
    kl += pk(c) * Math.log(pk(c) / qk(q.cells.get(cell) ?? 0));
    emptyCells--;
  }
  // cells empty in the truth but filled in the model, and cells empty in both
  let emptyInTruthOnly = 0;
  for (const [cell, c] of q.cells)
    if (!p.cells.has(cell)) {
      kl += pk(0) * Math.log(pk(0) / qk(c));
      emptyInTruthOnly++;
    }
  kl += (emptyCells - emptyInTruthOnly) * pk(0) * Math.log(pk(0) / qk(0));
  return kl;
}

/** float32 data of a .npy v1.0 written by the export (header length at byte 8). */
function readNpyRows(file: string, width: number): number[][] {
  const bytes = fs.readFileSync(file);
  const body = bytes.subarray(10 + bytes.readUInt16LE(8));
  const rows: number[][] = [];
  for (let t = 0; t < body.length / 4 / width; t++)
    rows.push(Array.from({ length: width }, (_, j) => body.readFloatLE((t * width + j) * 4)));
  return rows;
}

/** A CSV with the header x,y,z and `rows` rows. */
function csvRows(rows: number, row: (t: number) => string): string {
  return ['x,y,z', ...Array.from({ length: rows }, (_, t) => row(t))].join('\n') + '\n';
}

/** A [rows, 2] .npy v1.0 as numpy.save writes it, optionally with a NaN in row `nanRow` (0-based). */
function npyFile(descr: '<i4' | '<f8', fortran: boolean, rows: number, nanRow?: number): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${rows}, 2), }`;
  const headerLen = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10;
  const size = descr === '<i4' ? 4 : 8;
  const body = Buffer.alloc(rows * 2 * size);
  for (let i = 0; i < rows * 2; i++)
    if (descr === '<i4') body.writeInt32LE(i, i * 4);
    else body.writeDoubleLE(Math.floor(i / 2) === nanRow ? NaN : Math.sin(i / 5), i * 8);
  const lead = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  lead.writeUInt16LE(headerLen, 8);
  return new Uint8Array(Buffer.concat([lead, Buffer.from(dict.padEnd(headerLen - 1, ' ') + '\n', 'latin1'), body]));
}

describe('compare a preview with data (UI)', function () {
  this.timeout(240_000);
  const ui = useWorkbench();
  const input = () => ui.wb.page.locator('.quick-input-widget .quick-input-box input');
  let exported: number[][] = [];

  /** Bad data files and the part of the refusal that names the problem. */
  const badFiles: [string, Uint8Array | string, RegExp][] = [
    ['short.csv', csvRows(50, () => '1,2,3'), /short\.csv.*50 rows.*at least 100 time steps/],
    ['ints.npy', npyFile('<i4', false, 120), /ints\.npy.*'<i4'.*float32 or float64/],
    ['fortran.npy', npyFile('<f8', true, 120), /fortran\.npy.*Fortran.*C order/],
    ['nan.npy', npyFile('<f8', false, 120, 57), /nan\.npy.*Row 58 .*NaN/],
    [
      'ragged.csv',
      csvRows(150, (t) => (t === 40 ? '1,2,3,4' : '1,2,3')),
      /ragged\.csv.*Line 42 .*4 fields, the header has 3 \(a ragged CSV\)/,
    ],
    ['nan.csv', csvRows(150, (t) => (t === 9 ? '1,NaN,3' : '1,2,3')), /nan\.csv.*Line 11 .*NaN value in column "y"/],
  ];

  before(() => {
    writeWorkspaceFixtures(path.join(ui.host.workspace, 'models'));
    for (const [name, content] of badFiles) fs.writeFileSync(path.join(ui.host.workspace, name), content);
  });

  function openPreview(model = MODEL): Promise<FrameLocator> {
    return previewModel(ui.wb, model);
  }

  async function run(frame: FrameLocator): Promise<void> {
    await frame.locator('vscode-button#run:not([disabled])').waitFor({ timeout: 30_000 });
    await frame.locator('vscode-textfield#steps input').fill(String(STEPS));
    await frame.locator('vscode-textfield#burnIn input').fill('0');
    await frame.locator('vscode-button#run').click();
    await waitFor(async () => /^Done:/.test((await frame.locator('#status').textContent()) ?? ''), {
      timeout: 60_000,
      message: 'the run to finish',
    });
  }

  /** The metrics table once its title matches: rows by metric name → [value, note]. */
  async function metrics(frame: FrameLocator, title: RegExp): Promise<Map<string, [string, string]>> {
    await waitFor(async () => title.test((await frame.locator('#metrics h2').textContent()) ?? ''), {
      timeout: 120_000,
      message: `a metrics table titled ${title}`,
    });
    const rows = new Map<string, [string, string]>();
    for (const tr of await frame.locator('#metrics table tr').all()) {
      const cells = await tr.locator('td').allTextContents();
      if (cells.length >= 4) rows.set(cells[0], [cells[1], cells[3]]);
    }
    return rows;
  }

  async function compareWith(frame: FrameLocator, file: string): Promise<void> {
    await frame.locator('vscode-button#compare-data').click();
    await ui.wb.page
      .locator('.quick-input-widget .quick-input-title', { hasText: 'Compare with Data' })
      .waitFor({ timeout: 20_000 });
    await ui.wb.pickQuickItem(file);
  }

  it("compares with the model's own exported run (.npy): D_stsp = D_H = 0 and valid over the whole horizon", async () => {
    const frame = await openPreview();
    await run(frame);
    await metrics(frame, /^Against Lorenz-63/);
    const target = path.join(ui.host.workspace, 'lorenz_flow-trajectory.npy');
    await frame.locator('vscode-button#export-npy').click();
    await waitFor(async () => (await input().inputValue()).endsWith('/lorenz_flow-trajectory.npy'), {
      timeout: 20_000,
      message: 'the save dialog',
    });
    await input().press('Enter');
    await waitFor(() => fs.existsSync(target), { timeout: 20_000, message: 'the exported .npy' });
    exported = readNpyRows(target, 3);
    assert.strictEqual(exported.length, STEPS);

    await compareWith(frame, 'lorenz_flow-trajectory.npy');
    const rows = await metrics(frame, /^Against data: lorenz_flow-trajectory\.npy \(1000 rows/);
    assert.strictEqual(rows.get('D_stsp')?.[0], '0.000');
    assert.strictEqual(rows.get('D_H')?.[0], '0.000');
    assert.match(rows.get('Valid prediction time')?.[1] ?? '', /^never exceeded in 999 steps/);
    // 999 steps of dt = 0.01 in Lyapunov times of Lorenz-63 (λmax 0.9056)
    assert.strictEqual(rows.get('Valid prediction time')?.[0], `${(9.99 * 0.9056).toFixed(2)} Lyapunov times`);
    assert.match((await frame.locator('#reference-label').textContent()) ?? '', /data: lorenz_flow-trajectory\.npy/);
    assert.ok(Number(await frame.locator('#series').getAttribute('data-reference-points')) > 0, 'data overlaid');
    assert.match((await frame.locator('#data-label').textContent()) ?? '', /against lorenz_flow-trajectory\.npy/);
  });

  it('pairs CSV columns by name, leaves an output out by quick pick, and scores the pair as published', async () => {
    const { page } = ui.wb;
    // columns time, Y, X with Y transformed: x and y pair by name, z is left out
    const lines = ['time,Y,X', ...exported.map((r, t) => `${(t + 1) * 0.01},${1.5 * r[1] + 3},${r[0]}`)];
    fs.writeFileSync(path.join(ui.host.workspace, 'xy.csv'), lines.join('\n') + '\n');
    const frame = await ui.wb.webview(`Preview: ${MODEL}`);
    await compareWith(frame, 'xy.csv');
    await page
      .locator('.quick-input-widget .quick-input-title', { hasText: 'column for model output "z"' })
      .waitFor({ timeout: 20_000 });
    await ui.wb.pickQuickItem('not compared');
    const rows = await metrics(frame, /^Against data: xy\.csv \(1000 rows/);
    // the CSV holds the float64 text of 1.5·y + 3; the product parses that text as float64
    const truthText = lines.slice(1).map((l) => {
      const [, y, x] = l.split(',').map(Number);
      return [x, y];
    });
    const expected = binnedKl(
      truthText,
      exported.map((r) => [r[0], r[1]]),
    );
    assert.ok(expected > 0.1, `D_stsp ${expected}`);
    assert.strictEqual(rows.get('D_stsp')?.[0], expected.toFixed(3));
    for (const name of ['Valid prediction time', 'PE'])
      assert.match(rows.get(name)?.[1] ?? '', /only 2 of the model's 3 outputs are paired/, name);
  });

  it('keeps the data after a window reload; Clear data goes back to the true system', async () => {
    const { page } = ui.wb;
    await ui.wb.runCommand('Developer: Reload Window');
    await page.waitForLoadState('domcontentloaded');
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await waitFor(async () => (await ui.wb.editorTabs()).includes(`Preview: ${MODEL}`), {
      timeout: 60_000,
      message: 'the preview tab after the reload',
    });
    await page
      .locator('.part.editor .tabs-container .tab', { hasText: `Preview: ${MODEL}` })
      .first()
      .click();
    const frame = await ui.wb.webview(`Preview: ${MODEL}`);
    await waitFor(async () => /against xy\.csv/.test((await frame.locator('#data-label').textContent()) ?? ''), {
      timeout: 30_000,
      message: 'the data choice after the reload',
    });
    await run(frame);
    await metrics(frame, /^Against data: xy\.csv/);
    await frame.locator('vscode-button#clear-data').click();
    await metrics(frame, /^Against Lorenz-63/);
    assert.strictEqual(await frame.locator('vscode-button#clear-data').isVisible(), false);
  });

  it('refuses bad files (too short, integer dtype, Fortran order, NaN rows, a ragged CSV), naming the problem', async () => {
    const { page } = ui.wb;
    const frame = await ui.wb.webview(`Preview: ${MODEL}`);
    await compareWith(frame, badFiles[0][0]);
    for (const [i, [name, , message]] of badFiles.entries()) {
      await waitFor(async () => (await ui.wb.notifications()).some((n) => message.test(n)), {
        timeout: 20_000,
        message: `the refusal of ${name}`,
      });
      // the refusal's own button opens the picker again, as a user goes on to the next file
      await page
        .locator('.notifications-toasts .notification-list-item', { hasText: name })
        .getByRole('button', { name: 'Choose Another…' })
        .click();
      await page
        .locator('.quick-input-widget .quick-input-title', { hasText: 'Compare with Data' })
        .waitFor({ timeout: 20_000 });
      if (i + 1 < badFiles.length) await ui.wb.pickQuickItem(badFiles[i + 1][0]);
      else await input().press('Escape');
    }
    assert.match((await frame.locator('#metrics h2').textContent()) ?? '', /^Against Lorenz-63/);
  });

  it("shows the zoo ESN's PE (its reservoir driven by the truth before each start), no longer —", async () => {
    const frame = await openPreview('lorenz63-esn.onnx');
    await run(frame);
    const rows = await metrics(frame, /^Against Lorenz-63/);
    const [pe, note] = rows.get('PE') ?? ['', ''];
    assert.ok(Number.isFinite(Number(pe)) && Number(pe) >= 0, `PE "${pe}": ${note}`);
    assert.match(note, /hidden state \(200 values\) driven by the observed trajectory/);
  });
});
