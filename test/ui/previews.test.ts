/**
 * What a new user meets around a model preview, in a real VS Code (code-server + Chromium), one host for the file:
 * a run that settles on a fixed point, a divergence inside the burn-in, a zoo card's Markdown, dt without float
 * noise, the editor title's Preview Model button only where a preview can run, refusals that fit the case, the
 * undecided map-or-flow headline, the metadata the card says it reads, a phase portrait for d = 2, labels kept off
 * the traces, and the Models view listing the zoo by system.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { FrameLocator } from 'playwright-core';
import { repoRoot } from '../harness/paths';
import { useWorkbench } from '../harness/mocha';
import { waitFor } from '../harness/poll';
import { openModelCard, previewModel } from '../harness/workbench';
import { DIVERGING_STEP, writeWorkspaceFixtures } from '../fixtures/models/models';

const hasZoo = fs.existsSync(path.join(repoRoot, 'media', 'models', 'index.json'));

describe('previews people would rather look at (UI)', function () {
  this.timeout(180_000);
  const ui = useWorkbench();

  before(() => {
    writeWorkspaceFixtures(path.join(ui.host.workspace, 'models'));
  });

  const preview = (file: string) => previewModel(ui.wb, file);

  async function card(file: string): Promise<FrameLocator> {
    const frame = await openModelCard(ui.wb, file);
    await frame.locator('main.model-card').waitFor({ timeout: 30_000 });
    return frame;
  }

  async function status(frame: FrameLocator): Promise<string> {
    return (await frame.locator('#status').textContent()) ?? '';
  }

  async function run(frame: FrameLocator, done: RegExp): Promise<string> {
    await frame.locator('vscode-button#run:not([disabled])').waitFor({ timeout: 30_000 });
    await frame.locator('vscode-button#run').click();
    return waitFor(
      async () => {
        const s = await status(frame);
        return done.test(s) ? s : undefined;
      },
      { timeout: 60_000, message: `status matching ${done}` },
    );
  }

  const attr = async (frame: FrameLocator, selector: string, name: string) =>
    (await frame.locator(selector).getAttribute(name)) ?? '';

  it('lists the zoo by system, each model with its card summary', async function () {
    if (!hasZoo) this.skip();
    await ui.wb.openViewContainer('Attractor');
    const header = ui.wb.view('Models').locator('.pane-header');
    await header.waitFor({ timeout: 30_000 });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    const group = ui.wb
      .treeRows('Models')
      .filter({ has: ui.wb.page.locator('.label-name', { hasText: /^Arneodo$/ }) })
      .first();
    await group.waitFor({ timeout: 30_000 });
    if ((await group.getAttribute('aria-expanded')) !== 'true') await group.click();
    const items = await waitFor(
      async () => {
        const all = await ui.wb.treeItems('Models');
        return all.some((i) => i.label === 'Arneodo · RK4 map') ? all : undefined;
      },
      { message: '"Arneodo · RK4 map" in the Models view' },
    );
    const map = items.find((i) => i.label === 'Arneodo · RK4 map')!;
    assert.match(map.description, /^The Arneodo system as a map/);
    assert.ok(!items.some((i) => i.label.endsWith('.onnx') && i.label.startsWith('arneodo')), 'no file names');
  });

  it('says a model whose shapes fit a map and a flow is undecided, and lists every metadata property it reads', async () => {
    const frame = await card('pytorch_map.onnx');
    const headline = (await frame.locator('.recognition h2').textContent()) ?? '';
    assert.match(headline, /^Undecided/);
    const text = (await frame.locator('body').textContent()) ?? '';
    assert.ok(!text.includes('Recognised as a map'), text);
    for (const key of ['dynamics.kind', 'dynamics.dt', 'dynamics.observed', 'dynamics.observation'])
      assert.ok(text.includes(key), `the card says it reads ${key}`);
  });

  it('shows a run that settles on a fixed point as a point with its coordinates', async () => {
    const frame = await preview('fixed_point.onnx');
    await run(frame, /^Done:/);
    const note = (await frame.locator('#phase-note').textContent()) ?? '';
    assert.match(note, /fixed point: \(2, -1, 0\.5\)/);
    assert.deepStrictEqual(JSON.parse(await attr(frame, '#phase', 'data-fixed-point')), [2, -1, 0.5]);
    assert.ok(Number(await attr(frame, '#phase', 'data-points')) > 0);
  });

  it('after a divergence inside the burn-in, shows the steps computed before it on a forward time axis', async () => {
    const frame = await preview('diverging.onnx');
    await frame.locator('vscode-textfield#burnIn input').fill('1000');
    const text = await run(frame, /diverged/);
    assert.match(text, new RegExp(`step ${DIVERGING_STEP}\\b`));
    assert.ok(!/smaller dt/.test(text), `a map's dt only labels the time axis: ${text}`);
    assert.ok(Number(await attr(frame, '#phase', 'data-points')) > 0, 'the steps before the divergence are drawn');
    const start = Number(await attr(frame, '#series', 'data-t-start'));
    const end = Number(await attr(frame, '#series', 'data-t-end'));
    assert.ok(start < end, `time axis t = ${start} … ${end}`);
    assert.match((await frame.locator('#phase-note').textContent()) ?? '', /inside the burn-in/);
  });

  it('renders a zoo card as Markdown, and its preview shows dt without float noise', async function () {
    if (!hasZoo) this.skip();
    const frame = await card('lorenz63-plrnn.onnx');
    const doc = frame.locator('.doc');
    await doc.locator('table').first().waitFor({ timeout: 10_000 });
    assert.ok(await doc.locator('h2', { hasText: 'How it was made' }).count(), 'a section heading');
    assert.ok(await doc.locator('code', { hasText: 'lorenz63' }).count(), 'inline code');
    const text = (await doc.textContent()) ?? '';
    for (const raw of ['## ', '| --- |', '|---|', '`']) assert.ok(!text.includes(raw), `no raw Markdown ${raw}`);
    await frame.locator('vscode-button#preview').click();
    const previewFrame = await ui.wb.webview('Preview: lorenz63-plrnn.onnx');
    const dt = previewFrame.locator('vscode-textfield#dt input');
    await dt.waitFor({ timeout: 30_000 });
    assert.strictEqual(await dt.inputValue(), '0.015008');
  });

  it('offers Preview Model in the editor title only where a preview can run; a refused preview explains itself', async () => {
    const { page } = ui.wb;
    const button = () =>
      page.locator('.editor-group-container.active .editor-actions .action-label[aria-label^="Preview Model"]');
    await card('lorenz_flow.onnx');
    await waitFor(async () => (await button().count()) > 0, { message: 'Preview Model on a flow card' });
    for (const file of ['not_dynamics.onnx', 'truncated.onnx', 'notes.onnx']) {
      await card(file);
      await waitFor(async () => (await button().count()) === 0, { message: `no Preview Model on ${file}` });
    }
    const frame = await preview('not_dynamics.onnx');
    await frame.locator('h1', { hasText: 'not_dynamics.onnx' }).waitFor({ timeout: 30_000 });
    await frame.locator('h2', { hasText: 'cannot preview' }).waitFor();
  });

  it('words each refusal for its case', async () => {
    const cases: [string, RegExp][] = [
      ['not_dynamics.onnx', /not a dynamics model/],
      ['truncated.onnx', /ends early/],
      ['notes.onnx', /text file, not an ONNX model/],
      ['lstm_step.onnx', /one input \[B, d\].*export a rollout/],
    ];
    for (const [file, expected] of cases) {
      const frame = await preview(file);
      const text = await waitFor(
        async () => {
          const s = await status(frame);
          return s ? s : undefined;
        },
        { timeout: 30_000, message: `the refusal of ${file}` },
      );
      assert.match(text, expected);
      assert.ok(!/dynamics\.kind/.test(text), `${file}: ${text}`);
    }
    for (const file of ['truncated.onnx', 'notes.onnx']) {
      const frame = await card(file);
      const text = (await frame.locator('body').textContent()) ?? '';
      assert.ok(!/dynamics\.kind/.test(text), `${file} card: ${text}`);
    }
  });

  it('draws a two-component state as a 2-D phase portrait', async () => {
    const frame = await preview('rotation_rollout.onnx');
    assert.strictEqual((await frame.locator('#phase-title').textContent()) ?? '', 'Phase portrait');
    assert.strictEqual(await frame.locator('#axis-z').count(), 0, 'no z axis repeating x');
    await run(frame, /^Done:/);
    assert.strictEqual(await attr(frame, '#phase', 'data-projection'), '2d');
  });

  it('keeps the time-series and 3D axis labels off the traces', async () => {
    const frame = await preview('lorenz_flow.onnx');
    await run(frame, /^Done:/);
    // The labels are drawn in the theme's description colour, the traces in its chart colours and the grid in its
    // border colour: pixels of the label colour inside a lane's plot area are a label drawn over the traces.
    const lanes = await frame.locator('#series .uplot').evaluateAll((plots) => {
      const css = getComputedStyle(document.body).getPropertyValue('--vscode-descriptionForeground').trim();
      const probe = document.createElement('canvas').getContext('2d')!;
      probe.fillStyle = css;
      probe.fillRect(0, 0, 1, 1);
      const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
      return plots.map((plot) => {
        const canvas = plot.querySelector('canvas')!;
        const over = plot.querySelector<HTMLElement>('.u-over')!;
        const k = canvas.width / canvas.clientWidth;
        const left = Math.round(over.offsetLeft * k);
        const top = Math.round(over.offsetTop * k);
        const right = Math.round((over.offsetLeft + over.offsetWidth) * k);
        const bottom = Math.round((over.offsetTop + over.offsetHeight) * k);
        const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let inPlot = 0;
        let inAxis = 0;
        let trace = 0;
        for (let y = top; y < bottom; y++)
          for (let x = 0; x < right; x++) {
            const i = (y * canvas.width + x) * 4;
            const isLabel = Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) <= 30;
            if (x >= left && isLabel) inPlot++;
            else if (x < left && isLabel) inAxis++;
            if (x >= left && d[i + 2] > d[i] + 80) trace++;
          }
        return { inPlot, inAxis, trace };
      });
    });
    assert.strictEqual(lanes.length, 3, 'one lane per component');
    for (const [j, lane] of lanes.entries()) {
      assert.ok(lane.trace > 2000, `lane ${j}: a dense trace is drawn (${lane.trace} pixels)`);
      assert.ok(lane.inAxis > 30, `lane ${j}: its min/max labels are drawn (${lane.inAxis} pixels, left of the plot)`);
      assert.ok(lane.inPlot < 10, `lane ${j}: ${lane.inPlot} pixels of label text over the traces`);
    }
    const layout = JSON.parse(await attr(frame, '#phase', 'data-layout')) as {
      centre: [number, number];
      pointRadius: number;
      labels: [number, number][];
    };
    assert.ok(layout.pointRadius > 0);
    for (const [x, y] of layout.labels) {
      const r = Math.hypot(x - layout.centre[0], y - layout.centre[1]);
      assert.ok(r > layout.pointRadius, `an axis label at radius ${r.toFixed(0)} inside ${layout.pointRadius}`);
    }
  });

  it('draws the time series with uPlot: lanes zoom together, shift+drag pans, the cursor is synced and marks the 3D view, the legend hides a member', async () => {
    const { page } = ui.wb;
    const frame = await preview('lorenz_flow.onnx');
    await run(frame, /^Done:/);
    const lanes = frame.locator('#series .uplot');
    assert.strictEqual(await lanes.count(), 3, 'one lane per component');
    const over = lanes.nth(1).locator('.u-over');
    await over.scrollIntoViewIfNeeded();
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await waitFor(async () => (await frame.locator('#phase-marker[data-marked]').count()) === 1, {
      message: 'the 3D view marks the time under the cursor',
    });
    for (const j of [0, 2])
      await waitFor(
        async () => !((await lanes.nth(j).locator('.u-cursor-x').getAttribute('class')) ?? '').includes('u-off'),
        { message: `lane ${j} shows the synced cursor` },
      );
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const zoomed = await waitFor(async () => (await attr(frame, '#series', 'data-window')) || undefined, {
      message: 'a zoomed window',
    });
    console.log(`      time series zoomed to t = ${zoomed}`);
    // Shift+drag pans the zoomed window: 100 px to the left moves it later by 100 px of time, the span kept.
    const window = (w: string) => w.split(' … ').map(Number);
    const [from, to] = window(zoomed);
    const start = { x: box.x + box.width * 0.6, y: box.y + box.height / 2 };
    await page.mouse.move(start.x, start.y);
    await page.keyboard.down('Shift');
    await page.mouse.down();
    await page.mouse.move(start.x - 100, start.y, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    const panned = await waitFor(
      async () => {
        const w = await attr(frame, '#series', 'data-window');
        return w && w !== zoomed ? w : undefined;
      },
      { message: 'the window to pan' },
    );
    const [pFrom, pTo] = window(panned);
    const expected = ((to - from) * 100) / box.width;
    console.log(`      shift+drag 100 px left panned t = ${zoomed} to ${panned}`);
    assert.ok(
      Math.abs(pFrom - from - expected) <= 0.1 * expected + 0.02 * (to - from),
      `panned by ${pFrom - from}, expected ${expected}`,
    );
    assert.ok(
      Math.abs(pTo - pFrom - (to - from)) <= 0.03 * (to - from),
      `the span is kept (${panned} after ${zoomed})`,
    );
    await over.dblclick();
    await waitFor(async () => (await attr(frame, '#series', 'data-window')) === '', { message: 'zoom reset' });
    const pixels = () =>
      lanes
        .nth(0)
        .locator('canvas')
        .evaluate((c: HTMLCanvasElement) => {
          const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          // the model's trace is the theme's blue; axes and labels are grey
          for (let i = 0; i < d.length; i += 4) if (d[i + 2] > d[i] + 80) n++;
          return n;
        });
    const before = await pixels();
    await lanes.last().locator('.u-legend .u-series', { hasText: 'model' }).first().click();
    await waitFor(async () => (await pixels()) < before / 2, { message: 'the model hidden in the first lane too' });
    await frame.locator('#spectrum .uplot canvas').first().waitFor();
  });
});
