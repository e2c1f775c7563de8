/**
 * The preview's 3D projection in WebGL, in a real VS Code (code-server + headless Chromium, whose WebGL is
 * SwiftShader's software renderer here): it draws (pixels read back from the WebGL canvas), turns on a drag, is in
 * the exported PNG, and falls back to the canvas renderer with a note when WebGL goes away (the context is lost on
 * purpose through WEBGL_lose_context, as a GPU reset would). The last test prints what a rotate step costs at 10^4,
 * 10^5 and 10^6 points with WebGL and, on the same runs' data in the same host, with the canvas renderer it
 * replaces, the time from Run to the first frame and the webview's memory. Figures are printed, never asserted.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import type { FrameLocator } from 'playwright-core';
import { repoRoot } from '../harness/paths';
import { useWorkbench } from '../harness/mocha';
import { waitFor } from '../harness/poll';
import { writeWorkspaceFixtures } from '../fixtures/models/models';

const MODEL = 'lorenz_flow.onnx';

/** RGBA pixels of an 8-bit RGBA or RGB PNG (every filter type undone), as canvases write them. */
function decodePng(bytes: Buffer): { width: number; height: number; rgba: Uint8Array } {
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.subarray(at + 4, at + 8).toString('latin1');
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.strictEqual(data[8], 8, 'bit depth');
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
    } else if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  assert.ok(channels, 'an RGB or RGBA PNG');
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? out[y * stride + x - channels] : 0;
      const up = y > 0 ? out[(y - 1) * stride + x] : 0;
      const upLeft = y > 0 && x >= channels ? out[(y - 1) * stride + x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += left;
      else if (filter === 2) v += up;
      else if (filter === 3) v += (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - upLeft);
        v += pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      out[y * stride + x] = v & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = out[i * channels + c];
    rgba[i * 4 + 3] = channels === 4 ? out[i * channels + 3] : 255;
  }
  return { width, height, rgba };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

describe('3D projection in WebGL (UI)', function () {
  this.timeout(600_000);
  const ui = useWorkbench();
  const input = () => ui.wb.page.locator('.quick-input-widget .quick-input-box input');

  before(() => {
    writeWorkspaceFixtures(path.join(ui.host.workspace, 'models'));
  });

  /** The preview of the workspace model, opened from its card in the Models view as a user does. */
  async function openPreview(): Promise<FrameLocator> {
    await ui.wb.openViewContainer('Attractor');
    const header = ui.wb.view('Models').locator('.pane-header');
    await header.waitFor({ timeout: 30_000 });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    const row = await ui.wb.revealTreeItem('Models', MODEL);
    await row.click();
    const card = await ui.wb.webview(MODEL);
    await card.locator('vscode-button#preview').click();
    const frame = await ui.wb.webview(`Preview: ${MODEL}`);
    await frame.locator('canvas#phase').waitFor({ timeout: 30_000 });
    return frame;
  }

  async function run(frame: FrameLocator, steps: number): Promise<string> {
    await frame.locator('vscode-button#run:not([disabled])').waitFor({ timeout: 60_000 });
    await frame.locator('vscode-textfield#x0 input').fill('1, 1, 1');
    await frame.locator('vscode-textfield#steps input').fill(String(steps));
    await frame.locator('vscode-textfield#dt input').fill('0.01');
    await frame.locator('vscode-textfield#members input').fill('1');
    await frame.locator('vscode-textfield#burnIn input').fill('0');
    await frame.locator('vscode-button#run').click();
    return waitFor(
      async () => {
        const s = (await frame.locator('#status').textContent()) ?? '';
        return /^Done:/.test(s) ? s : undefined;
      },
      { timeout: 240_000, message: `a run of ${steps} steps to finish` },
    );
  }

  const attr = async (frame: FrameLocator, selector: string, name: string) =>
    (await frame.locator(selector).getAttribute(name)) ?? '';

  /** Pixels of the WebGL canvas unlike its background (its corner), read back through a 2D copy. */
  const glPixels = (frame: FrameLocator) =>
    frame.locator('canvas#phase-gl').evaluate((c: HTMLCanvasElement) => {
      const copy = document.createElement('canvas');
      copy.width = c.width;
      copy.height = c.height;
      const ctx = copy.getContext('2d')!;
      ctx.drawImage(c, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let drawn = 0;
      let hash = 0;
      for (let i = 0; i < d.length; i += 4) {
        const off = Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1]) + Math.abs(d[i + 2] - d[2]);
        if (off > 60) {
          drawn++;
          hash = (hash * 31 + i) | 0;
        }
      }
      return { drawn, hash, width: c.width, height: c.height };
    });

  interface Frame {
    readonly ms: number;
    readonly points: number;
  }

  /**
   * Drags across the 3D view, 200 px in 20 moves (as the issue measured it). Returns the frames drawn while turning
   * and the full frame drawn once the drag stopped (the same kind of frame when nothing was thinned).
   */
  async function drag(frame: FrameLocator): Promise<{ turning: Frame[]; settled: Frame }> {
    const { page } = ui.wb;
    const canvas = frame.locator('canvas#phase');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    const count = async () => Number(await attr(frame, 'canvas#phase', 'data-frame-count'));
    const frames = async () =>
      (await attr(frame, 'canvas#phase', 'data-frame-ms'))
        .split(' ')
        .filter(Boolean)
        .map((f): Frame => ({ ms: Number(f.split('/')[0]), points: Number(f.split('/')[1]) }));
    const full = Number(await attr(frame, 'canvas#phase', 'data-points'));
    const before = await count();
    const x = box.x + box.width / 2 - 100;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) await page.mouse.move(x + i * 10, y + (i % 2));
    await page.mouse.up();
    // Thinned frames are followed by a full one once the drag has stopped.
    return waitFor(
      async () => {
        const drawn = (await count()) - before;
        if (drawn <= 0) return undefined;
        const all = await frames();
        const mine = all.slice(-Math.min(drawn, all.length));
        const last = mine[mine.length - 1];
        if (last.points < full) return undefined;
        const turning = mine.length > 1 ? mine.slice(0, -1) : mine;
        return { turning, settled: last };
      },
      { timeout: 60_000, message: 'the frames of a drag and the full frame after it' },
    );
  }

  it('draws every point with WebGL, turns on a drag, and the exported PNG holds the picture', async () => {
    const { page } = ui.wb;
    const frame = await openPreview();
    await run(frame, 5000);
    assert.strictEqual(await attr(frame, 'canvas#phase', 'data-renderer'), 'webgl');
    assert.strictEqual(Number(await attr(frame, 'canvas#phase', 'data-points')), 5000, 'all 5,000 points drawn');
    assert.ok(await frame.locator('canvas#phase-gl').isVisible(), 'the WebGL canvas is shown');
    assert.ok(await frame.locator('#phase-fallback').isHidden(), 'no fallback note');
    const shown = await glPixels(frame);
    assert.ok(shown.drawn > 2000, `the WebGL canvas shows the attractor (${shown.drawn} pixels drawn)`);
    const labels = await attr(frame, 'canvas#phase', 'data-layout');

    const dragged = await drag(frame);
    assert.strictEqual(dragged.settled.points, 5000, 'all points drawn again after the drag');
    const turned = await waitFor(
      async () => {
        const p = await glPixels(frame);
        return p.hash !== shown.hash && p.drawn > 2000 ? p : undefined;
      },
      { message: 'the picture to turn' },
    );
    assert.notStrictEqual(await attr(frame, 'canvas#phase', 'data-layout'), labels, 'the axis labels turned along');
    console.log(`      WebGL canvas ${turned.width}×${turned.height}: ${shown.drawn} → ${turned.drawn} pixels drawn`);

    const target = path.join(ui.host.workspace, 'lorenz_flow-preview.png');
    fs.rmSync(target, { force: true });
    await frame.locator('vscode-button#export-png').click();
    await page.locator('.quick-input-widget .quick-input-title', { hasText: /as PNG/ }).waitFor({ timeout: 20_000 });
    await waitFor(async () => (await input().inputValue()).endsWith('/lorenz_flow-preview.png'), {
      message: 'the save dialog to propose the file',
    });
    await input().press('Enter');
    await waitFor(async () => fs.existsSync(target) && fs.statSync(target).size > 0, { message: 'the PNG written' });
    const png = decodePng(await waitFor(async () => fs.readFileSync(target)));
    // The phase plot is the top of the PNG; the model's line is the theme's blue (the text on it is grey).
    let blue = 0;
    for (let y = 0; y < Math.min(png.height, turned.height); y++)
      for (let x = 0; x < Math.min(png.width, turned.width); x++) {
        const i = (y * png.width + x) * 4;
        if (png.rgba[i + 2] > png.rgba[i] + 80) blue++;
      }
    assert.ok(blue > 1000, `the PNG's phase plot holds the WebGL picture (${blue} blue pixels)`);
  });

  it('updates media/screenshot-preview.png (ATTRACTOR_UPDATE_SCREENSHOT=1)', async function () {
    if (process.env.ATTRACTOR_UPDATE_SCREENSHOT !== '1') this.skip();
    const { page } = ui.wb;
    await page.setViewportSize({ width: 1400, height: 900 });
    if (await page.locator('.part.panel').isVisible()) await ui.wb.runCommand('View: Hide Panel');
    const frame = await openPreview();
    await frame.locator('vscode-button#run:not([disabled])').waitFor({ timeout: 60_000 });
    await frame.locator('vscode-textfield#steps input').fill('20000');
    await frame.locator('vscode-textfield#members input').fill('3');
    await frame.locator('vscode-textfield#burnIn input').fill('1000');
    await frame.locator('vscode-button#run').click();
    await waitFor(async () => /^Done:/.test((await frame.locator('#status').textContent()) ?? ''), {
      timeout: 120_000,
      message: 'the run',
    });
    await frame.locator('#metrics').waitFor({ timeout: 60_000 });
    await frame.locator('h2', { hasText: '3D projection' }).scrollIntoViewIfNeeded();
    await frame.locator('body').evaluate(() => window.scrollBy(0, -40));
    await page.mouse.move(700, 880);
    await ui.wb.screenshot(path.join(repoRoot, 'media', 'screenshot-preview.png'));
  });

  it('measures rotate steps at 10^4, 10^5 and 10^6 points with WebGL and with the canvas renderer; falls back to the canvas with a note when WebGL is lost', async () => {
    const frame = await openPreview();
    await frame.locator('body').evaluate((b) => b.setAttribute('data-measure-frames', ''));
    const sizes = [10_000, 100_000, 1_000_000];
    const firstFrame: string[] = [];
    interface Row {
      turning: number;
      turningPoints: number;
      settled: number;
      settledPoints: number;
    }
    const summary = (d: { turning: Frame[]; settled: Frame }): Row => ({
      turning: median(d.turning.map((f) => f.ms)),
      turningPoints: median(d.turning.map((f) => f.points)),
      settled: d.settled.ms,
      settledPoints: d.settled.points,
    });
    const webgl: Record<number, Row> = {};
    const canvas: Record<number, Row> = {};
    const memory = (renderer: string) =>
      frame.locator('body').evaluate((_b, r) => {
        const m = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
        const gpu = Number(document.getElementById('phase')?.getAttribute('data-gpu-bytes') ?? 0);
        return `${r}: JS heap ${m ? (m.usedJSHeapSize / 2 ** 20).toFixed(1) : '?'} MiB, GPU buffers ${(gpu / 2 ** 20).toFixed(1)} MiB`;
      }, renderer);
    const memories: string[] = [];
    for (const n of sizes) {
      await run(frame, n);
      firstFrame.push(`WebGL ${n.toLocaleString('en-US')}: ${await attr(frame, '#status', 'data-first-draw-ms')} ms`);
      assert.strictEqual(await attr(frame, 'canvas#phase', 'data-renderer'), 'webgl');
      assert.strictEqual(Number(await attr(frame, 'canvas#phase', 'data-points')), n, `all ${n} points drawn`);
      webgl[n] = summary(await drag(frame));
      if (n === 1_000_000) memories.push(await memory('WebGL'));
    }

    // WebGL goes away (as on a GPU reset): the plot carries on with the canvas renderer and says so.
    await frame
      .locator('canvas#phase-gl')
      .evaluate((c: HTMLCanvasElement) => c.getContext('webgl2')!.getExtension('WEBGL_lose_context')!.loseContext());
    const note = frame.locator('#phase-fallback');
    await note.waitFor({ state: 'visible', timeout: 20_000 });
    assert.match((await note.textContent()) ?? '', /WebGL stopped.*drawn on a 2D canvas/);
    await waitFor(async () => (await attr(frame, 'canvas#phase', 'data-renderer')) === 'canvas', {
      message: 'the canvas renderer to take over',
    });
    assert.ok(await frame.locator('canvas#phase-gl').isHidden(), 'the lost WebGL canvas is hidden');
    assert.ok(Number(await attr(frame, 'canvas#phase', 'data-points')) > 0, 'the canvas renderer draws');
    const layout = await attr(frame, 'canvas#phase', 'data-layout');
    canvas[1_000_000] = summary(await drag(frame));
    assert.notStrictEqual(await attr(frame, 'canvas#phase', 'data-layout'), layout, 'the fallback turns on a drag');
    memories.push(await memory('canvas'));
    for (const n of [100_000, 10_000]) {
      await run(frame, n);
      firstFrame.push(`canvas ${n.toLocaleString('en-US')}: ${await attr(frame, '#status', 'data-first-draw-ms')} ms`);
      canvas[n] = summary(await drag(frame));
    }

    const f = (v: number) => `${v.toFixed(1)} ms`;
    const p = (v: number) => v.toLocaleString('en-US');
    console.log(
      '      rotate step, drag 200 px in 20 moves, median frame incl. waiting for its pixels (software WebGL here):',
    );
    for (const n of sizes) {
      const g = webgl[n];
      const c = canvas[n];
      console.log(
        `        ${p(n).padStart(9)} points: WebGL turning ${f(g.turning)} (${p(g.turningPoints)} drawn), full ${f(g.settled)} (${p(g.settledPoints)}) · canvas ${f(c.turning)} (${p(c.turningPoints)} drawn) · canvas/WebGL turning ${(c.turning / g.turning).toFixed(2)}×`,
      );
    }
    console.log(
      `        WebGL turning at 10^6 / canvas at 10^4: ${(webgl[1_000_000].turning / canvas[10_000].turning).toFixed(2)}× (goal ≤ 1); WebGL full frame at 10^6 / canvas at 10^4: ${(webgl[1_000_000].settled / canvas[10_000].turning).toFixed(1)}×`,
    );
    console.log(`      Run → first frame: ${firstFrame.join(' · ')} (goal ≤ 200 ms)`);
    console.log(`      webview memory at 10^6 points: ${memories.join(' · ')}`);
  });
});
