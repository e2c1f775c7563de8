/**
 * The preview's colours and views in a real VS Code (code-server + headless Chromium, software WebGL): the 3D view
 * coloured by time, by the analysis's linear subregions (through the view's per-point colouring, dropped when a new
 * run starts), zoomed by the wheel; the time series' uPlot colours following a theme change while the preview is
 * open; and the note shown when WebGL is unavailable from the start, the canvas renderer then drawing the subregion
 * colours (the last test: it takes WebGL away from every page opened after it).
 */
import * as assert from 'assert';
import * as path from 'path';
import type { FrameLocator } from 'playwright-core';
import { useWorkbench } from '../harness/mocha';
import { waitFor } from '../harness/poll';
import { previewModel } from '../harness/workbench';
import { writeWorkspaceFixtures } from '../fixtures/models/models';

describe('3D view colours, wheel zoom, theme and WebGL fallback (UI)', function () {
  this.timeout(400_000);
  const ui = useWorkbench();

  before(() => {
    writeWorkspaceFixtures(path.join(ui.host.workspace, 'models'));
  });

  async function run(frame: FrameLocator): Promise<void> {
    await frame.locator('vscode-button#run:not([disabled])').waitFor({ timeout: 60_000 });
    await frame.locator('vscode-button#run').click();
    await waitFor(async () => /^Done:/.test((await frame.locator('#status').textContent()) ?? ''), {
      timeout: 120_000,
      message: 'the run to finish',
    });
  }

  const attr = async (frame: FrameLocator, selector: string, name: string) =>
    (await frame.locator(selector).getAttribute(name)) ?? '';

  /**
   * Pixels of the WebGL canvas by colour: drawn (unlike the background), warm (red or green above blue: not the
   * theme's blue nor a grey) and yellow (the end of the time ramp, viridis #fde725).
   */
  const glColours = (frame: FrameLocator) =>
    frame.locator('canvas#phase-gl').evaluate((c: HTMLCanvasElement) => {
      const copy = document.createElement('canvas');
      copy.width = c.width;
      copy.height = c.height;
      const ctx = copy.getContext('2d')!;
      ctx.drawImage(c, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let drawn = 0;
      let warm = 0;
      let yellow = 0;
      for (let i = 0; i < d.length; i += 4) {
        const [r, g, b] = [d[i], d[i + 1], d[i + 2]];
        if (Math.abs(r - d[0]) + Math.abs(g - d[1]) + Math.abs(b - d[2]) <= 60) continue;
        drawn++;
        if (r > b + 40 || g > b + 40) warm++;
        if (r > 180 && g > 160 && b < 110) yellow++;
      }
      return { drawn, warm, yellow };
    });

  /** Pixels of the canvas renderer's plot unlike its background, and of them the warm ones (as in glColours). */
  const canvasColours = (frame: FrameLocator) =>
    frame.locator('canvas#phase').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let drawn = 0;
      let warm = 0;
      for (let i = 0; i < d.length; i += 4) {
        const [r, g, b] = [d[i], d[i + 1], d[i + 2]];
        if (Math.abs(r - d[0]) + Math.abs(g - d[1]) + Math.abs(b - d[2]) <= 60) continue;
        drawn++;
        if (r > b + 40 || g > b + 40) warm++;
      }
      return { drawn, warm };
    });

  /** Chooses an entry of the 3D colour select by keyboard, as a user can. */
  async function colourBy(frame: FrameLocator, steps: 'ArrowDown' | 'ArrowUp'): Promise<void> {
    const select = frame.locator('vscode-single-select#colour-by');
    await select.focus();
    await select.press('ArrowDown');
    await select.press(steps);
    await select.press('Enter');
  }

  it('colours the 3D view by time and back by member', async () => {
    const frame = await previewModel(ui.wb, 'lorenz_flow.onnx');
    await run(frame);
    assert.strictEqual(await attr(frame, 'canvas#phase', 'data-renderer'), 'webgl');
    const byMember = await glColours(frame);
    assert.ok(byMember.drawn > 2000, `the attractor is drawn (${byMember.drawn} pixels)`);
    assert.strictEqual(byMember.yellow, 0, 'by member: one blue line, no ramp colours');
    await colourBy(frame, 'ArrowDown');
    await waitFor(async () => (await attr(frame, 'canvas#phase', 'data-colouring')) === 'time', {
      message: 'colour by time chosen',
    });
    const byTime = await waitFor(
      async () => {
        const p = await glColours(frame);
        return p.yellow > 100 ? p : undefined;
      },
      { message: 'the line coloured along the time ramp (its late points yellow)' },
    );
    assert.ok(byTime.warm > 100, `by time: ${byTime.warm} pixels off the blue`);
    await colourBy(frame, 'ArrowUp');
    await waitFor(async () => (await attr(frame, 'canvas#phase', 'data-colouring')) === 'member', {
      message: 'colour by member chosen again',
    });
    await waitFor(async () => (await glColours(frame)).yellow === 0, { message: 'the ramp colours gone' });
  });

  it('zooms the 3D view with the wheel', async () => {
    const { page } = ui.wb;
    const frame = await previewModel(ui.wb, 'lorenz_flow.onnx');
    await run(frame);
    const radius = async () =>
      (JSON.parse(await attr(frame, 'canvas#phase', 'data-layout')) as { pointRadius: number }).pointRadius;
    const before = await radius();
    const shown = await glColours(frame);
    const canvas = frame.locator('canvas#phase');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    // deltaY −300 zooms in by e^0.3 ≈ 1.35 (one wheel turn or several events summing to it).
    await page.mouse.wheel(0, -300);
    const zoomedIn = await waitFor(
      async () => {
        const r = await radius();
        return r > before * 1.2 ? r : undefined;
      },
      { message: 'the cube to grow on a wheel turn up' },
    );
    assert.ok(Math.abs(zoomedIn / before - Math.exp(0.3)) < 0.05, `zoomed by ${(zoomedIn / before).toFixed(3)}`);
    await waitFor(async () => (await glColours(frame)).drawn > shown.drawn, {
      message: 'the WebGL picture to grow with it',
    });
    await page.mouse.wheel(0, 600);
    await waitFor(async () => (await radius()) < before * 0.9, { message: 'the cube to shrink on a wheel turn down' });
  });

  it('colours the 3D view by the analysis’s subregions through WebGL, and drops them when a new run starts', async () => {
    const frame = await previewModel(ui.wb, 'lorenz63-plrnn.onnx');
    await run(frame);
    assert.strictEqual(await attr(frame, 'canvas#phase', 'data-renderer'), 'webgl');
    assert.strictEqual((await glColours(frame)).warm, 0, 'one member, the theme’s blue');
    await frame.locator('vscode-button#analyse').click();
    await waitFor(async () => /found in/.test((await frame.locator('#analysis-status').textContent()) ?? ''), {
      timeout: 180_000,
      message: 'the analysis to finish',
    });
    assert.ok(Number(await frame.locator('#analysis').getAttribute('data-regions')) > 1, 'several subregions');
    await waitFor(async () => (await attr(frame, 'canvas#phase', 'data-colouring')) === 'regions', {
      message: 'the 3D view coloured by subregion',
    });
    const coloured = await waitFor(
      async () => {
        const p = await glColours(frame);
        return p.warm > 100 ? p : undefined;
      },
      { message: 'the WebGL picture in the subregions’ colours' },
    );
    console.log(`      coloured by subregion: ${coloured.warm} of ${coloured.drawn} pixels off the first colour`);
    assert.ok(Number(await attr(frame, '#analysis-overlay', 'data-coloured')) > 100, 'rows coloured');

    await run(frame);
    assert.strictEqual(await attr(frame, 'canvas#phase', 'data-colouring'), 'member', 'back to colour by member');
    assert.strictEqual(await attr(frame, '#analysis-overlay', 'data-coloured'), '0');
    await waitFor(async () => (await glColours(frame)).warm === 0, {
      message: 'the subregion colours gone from the new run',
    });
    assert.ok(Number(await frame.locator('#analysis').getAttribute('data-points')) >= 1, 'the table stays');
  });

  it('draws the time series in the new theme’s colours when the theme changes under an open preview', async () => {
    const frame = await previewModel(ui.wb, 'lorenz_flow.onnx');
    await run(frame);
    /**
     * The theme's chart blue, label grey and editor background; the legend's marker for the model; in the lanes,
     * pixels of the label grey and of the trace in this blue (and in `other`, another theme's blue); the 3D view's
     * WebGL background (its corner pixel).
     */
    const colours = (other: number[] = [-999, -999, -999]) =>
      frame.locator('#series').evaluate((series, other) => {
        const style = getComputedStyle(document.body);
        const probe = document.createElement('canvas').getContext('2d')!;
        const rgb = (css: string) => {
          probe.clearRect(0, 0, 1, 1);
          probe.fillStyle = css;
          probe.fillRect(0, 0, 1, 1);
          return Array.from(probe.getImageData(0, 0, 1, 1).data.slice(0, 3));
        };
        const near = (d: Uint8ClampedArray, i: number, c: number[], tolerance: number) =>
          Math.abs(d[i] - c[0]) + Math.abs(d[i + 1] - c[1]) + Math.abs(d[i + 2] - c[2]) <= tolerance;
        const blue = rgb(style.getPropertyValue('--vscode-charts-blue').trim());
        const label = rgb(style.getPropertyValue('--vscode-descriptionForeground').trim());
        const background = rgb(style.getPropertyValue('--vscode-editor-background').trim());
        const marker = series.querySelector<HTMLElement>('.u-legend .u-series:nth-child(2) .u-marker')!;
        let labels = 0;
        let trace = 0;
        let otherTrace = 0;
        for (const canvas of Array.from(series.querySelectorAll('canvas'))) {
          const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          for (let i = 0; i < d.length; i += 4) {
            if (near(d, i, label, 30)) labels++;
            if (near(d, i, blue, 12)) trace++;
            if (near(d, i, other, 12)) otherTrace++;
          }
        }
        const gl = document.getElementById('phase-gl') as HTMLCanvasElement;
        const copy = document.createElement('canvas').getContext('2d')!;
        copy.drawImage(gl, 0, 0, 1, 1, 0, 0, 1, 1);
        return {
          light: document.body.classList.contains('vscode-light'),
          blue,
          background,
          marker: rgb(getComputedStyle(marker).borderColor),
          labels,
          trace,
          otherTrace,
          phaseBackground: Array.from(copy.getImageData(0, 0, 1, 1).data.slice(0, 3)),
        };
      }, other);
    const light = await colours();
    assert.strictEqual(light.light, true, 'the harness starts in a light theme');
    assert.deepStrictEqual(light.marker, light.blue, 'the model’s legend marker is the theme’s chart blue');
    assert.ok(light.labels > 30, `labels in the theme's grey (${light.labels} pixels)`);
    assert.ok(light.trace > 500, `the traces in the theme's blue (${light.trace} pixels)`);
    assert.deepStrictEqual(light.phaseBackground, light.background, 'the 3D view on the editor background');

    // The theme picked from the palette with the preview open (the harness's pickColorTheme closes the editors).
    const pick = async (theme: string) => {
      await ui.wb.runInputCommand('Preferences: Color Theme', {
        placeholder: 'Select Color Theme (detect system color mode disabled)',
      });
      await ui.wb.quickPickRow(theme);
      const input = ui.wb.page.locator('.quick-input-widget .quick-input-box input');
      await input.press('Enter');
      await input.waitFor({ state: 'hidden' });
    };
    // Marks the lanes' container: the preview is not drawn anew (its plots follow the theme where they are).
    await frame.locator('#series').evaluate((s) => s.setAttribute('data-probe', 'before the theme change'));
    await pick('Dark Modern');
    try {
      const dark = await waitFor(
        async () => {
          const c = await colours(light.blue);
          return !c.light && c.labels > 30 && c.trace > 500 ? c : undefined;
        },
        { timeout: 30_000, message: 'the preview in the dark theme, its traces and labels redrawn in its colours' },
      );
      assert.notDeepStrictEqual(dark.blue, light.blue, 'the themes’ blues differ');
      assert.deepStrictEqual(dark.marker, dark.blue, 'the legend marker follows the theme');
      assert.ok(
        dark.otherTrace < dark.trace / 20,
        `no trace left in the light theme's blue (${dark.otherTrace} pixels)`,
      );
      assert.notDeepStrictEqual(dark.background, light.background, 'the themes’ backgrounds differ');
      await waitFor(async () => JSON.stringify((await colours()).phaseBackground) === JSON.stringify(dark.background), {
        message: 'the 3D view redrawn on the dark background',
      });
      assert.strictEqual(await attr(frame, '#series', 'data-probe'), 'before the theme change', 'the same preview');
    } finally {
      await pick('Light Modern');
    }
    await waitFor(async () => (await colours()).light, { timeout: 30_000, message: 'back to the light theme' });
  });

  it('says so and draws on the canvas when WebGL is unavailable from the start', async () => {
    // Every document opened from now on (the preview's webview frames among them) gets no WebGL context.
    await ui.wb.context.addInitScript(() => {
      const getContext = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, type: string, ...rest: unknown[]) {
        if (/webgl/i.test(type)) return null;
        return (getContext as (this: HTMLCanvasElement, ...a: unknown[]) => RenderingContext | null).call(
          this,
          type,
          ...rest,
        );
      } as typeof getContext;
    });
    await ui.wb.runCommand('View: Close All Editors');
    const frame = await previewModel(ui.wb, 'lorenz_flow.onnx');
    const note = frame.locator('#phase-fallback');
    await note.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await note.textContent()) ?? '', /^WebGL is not available here: .*drawn on a 2D canvas/);
    assert.ok(await frame.locator('label:has(#colour-by)').isHidden(), 'no colour-by choice the canvas cannot honour');
    await run(frame);
    assert.strictEqual(await attr(frame, 'canvas#phase', 'data-renderer'), 'canvas');
    assert.ok(Number(await attr(frame, 'canvas#phase', 'data-points')) > 0, 'the canvas renderer draws the run');
    assert.ok(await frame.locator('canvas#phase-gl').isHidden(), 'no WebGL canvas');

    // The analysis's subregion colours are drawn by the canvas renderer too.
    const plrnn = await previewModel(ui.wb, 'lorenz63-plrnn.onnx');
    await run(plrnn);
    assert.strictEqual(await attr(plrnn, 'canvas#phase', 'data-renderer'), 'canvas');
    assert.strictEqual((await canvasColours(plrnn)).warm, 0, 'one member, the theme’s blue');
    await plrnn.locator('vscode-button#analyse').click();
    await waitFor(async () => /found in/.test((await plrnn.locator('#analysis-status').textContent()) ?? ''), {
      timeout: 180_000,
      message: 'the analysis to finish',
    });
    await waitFor(async () => (await attr(plrnn, 'canvas#phase', 'data-colouring')) === 'regions', {
      message: 'the canvas view coloured by subregion',
    });
    const coloured = await waitFor(
      async () => {
        const p = await canvasColours(plrnn);
        return p.warm > 100 ? p : undefined;
      },
      { message: 'the canvas picture in the subregions’ colours' },
    );
    console.log(
      `      canvas coloured by subregion: ${coloured.warm} of ${coloured.drawn} pixels off the first colour`,
    );
  });
});
