/**
 * The preview's plots on a 2D canvas, theme-aware (colours from VS Code's CSS variables): a rotatable 3D
 * projection of three chosen components, time series of each component, and power spectra. Ensemble members
 * are overlaid, and so is the true system's trajectory when the host sent one (a `ReferenceTrack`, drawn in the
 * theme's chart foreground colour). Long trajectories are decimated for drawing (the data itself is kept whole).
 */
import type { ReferenceTrack } from '../../src/models/previewProtocol';

export interface Trajectory {
  /** `[capacity, members, width]`, rows filled up to `rows`. */
  readonly data: Float32Array;
  readonly members: number;
  readonly width: number;
  rows: number;
  /** Rows before this are burn-in: not drawn. */
  readonly burnIn: number;
  readonly timeStep: number;
  readonly names: readonly string[];
}

export interface Theme {
  readonly foreground: string;
  readonly muted: string;
  readonly grid: string;
  readonly background: string;
  readonly series: readonly string[];
  /** The ground-truth overlay. */
  readonly reference: string;
  readonly font: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

export function readTheme(): Theme {
  const s = getComputedStyle(document.body);
  return {
    foreground: cssVar(s, '--vscode-editor-foreground', '#333'),
    muted: cssVar(s, '--vscode-descriptionForeground', '#888'),
    grid: cssVar(s, '--vscode-editorWidget-border', cssVar(s, '--vscode-panel-border', 'rgba(128,128,128,0.35)')),
    background: cssVar(s, '--vscode-editor-background', '#fff'),
    series: [
      cssVar(s, '--vscode-charts-blue', '#3794ff'),
      cssVar(s, '--vscode-charts-orange', '#d18616'),
      cssVar(s, '--vscode-charts-green', '#89d185'),
      cssVar(s, '--vscode-charts-red', '#f14c4c'),
      cssVar(s, '--vscode-charts-purple', '#b180d7'),
      cssVar(s, '--vscode-charts-yellow', '#cca700'),
    ],
    reference: cssVar(s, '--vscode-charts-foreground', cssVar(s, '--vscode-editor-foreground', '#888')),
    font: `${cssVar(s, '--vscode-font-size', '13px')} ${cssVar(s, '--vscode-font-family', 'sans-serif')}`,
  };
}

/** Sizes the canvas backing store to its CSS size × devicePixelRatio; returns a context in CSS pixels. */
function prepare(canvas: HTMLCanvasElement, theme: Theme): { ctx: CanvasRenderingContext2D; w: number; h: number } {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(50, canvas.clientWidth);
  const h = Math.max(50, canvas.clientHeight);
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, w, h);
  ctx.font = theme.font;
  ctx.lineJoin = 'round';
  return { ctx, w, h };
}

function memberColour(theme: Theme, member: number, members: number): { colour: string; alpha: number } {
  if (members === 1) return { colour: theme.series[0], alpha: 1 };
  return {
    colour: theme.series[member % theme.series.length],
    alpha: member === 0 ? 1 : Math.max(0.35, 0.8 - members / 100),
  };
}

function value(t: Trajectory, row: number, member: number, j: number): number {
  return t.data[(row * t.members + member) * t.width + j];
}

/** Reference rows that fall inside the trajectory drawn so far. */
function referenceRows(t: Trajectory, ref: ReferenceTrack): number {
  return Math.min(ref.rows, Math.ceil(Math.max(0, t.rows - t.burnIn) / ref.stride));
}

/** Smallest and largest finite value of component `j` after the burn-in, over all members (sampled when long). */
function extent(t: Trajectory, j: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  const stride = Math.max(1, Math.floor((t.rows - t.burnIn) / 50_000));
  for (let r = t.burnIn; r < t.rows; r += stride) {
    for (let m = 0; m < t.members; m++) {
      const v = value(t, r, m, j);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return [lo, hi];
}

/**
 * The state the run settled on when every plotted component stays put (to float32 precision) after the
 * burn-in: a zero-extent box that would draw nothing, so it is drawn as a marker with its coordinates.
 */
export function fixedPoint(t: Trajectory): number[] | undefined {
  if (t.rows <= t.burnIn) return undefined;
  for (let j = 0; j < t.width; j++) {
    const [lo, hi] = extent(t, j);
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return undefined;
    if (hi - lo > 1e-6 * Math.max(1, Math.abs(lo), Math.abs(hi))) return undefined;
  }
  return Array.from({ length: t.width }, (_, j) => value(t, t.rows - 1, 0, j));
}

export function formatPoint(p: readonly number[]): string {
  return `(${p.map((v) => formatTick(v)).join(', ')})`;
}

function range(t: Trajectory, j: number, ref?: ReferenceTrack): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  const stride = Math.max(1, Math.floor((t.rows - t.burnIn) / 50_000));
  for (let r = t.burnIn; r < t.rows; r += stride) {
    for (let m = 0; m < t.members; m++) {
      const v = value(t, r, m, j);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (ref && j < ref.width) {
    // Both curves in one frame (a model that drifts off the attractor stays comparable with the truth).
    for (let i = 0, n = referenceRows(t, ref); i < n; i++) {
      const v = ref.data[i * ref.width + j];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(hi > lo)) return [lo === Infinity ? -1 : lo - 1, hi === -Infinity ? 1 : hi + 1];
  return [lo, hi];
}

export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(1);
  return String(+v.toPrecision(3));
}

// ---- 3D projection ---------------------------------------------------------------------------------------------

export interface View3d {
  /** Indices of the three plotted components. */
  axes: [number, number, number];
  yaw: number;
  pitch: number;
  zoom: number;
}

export function defaultView(width: number): View3d {
  return { axes: [0, Math.min(1, width - 1), Math.min(2, width - 1)], yaw: -0.6, pitch: 0.35, zoom: 1 };
}

export interface PlotResult {
  /** Points of the model's trajectory drawn. */
  readonly points: number;
  /** Points of the reference trajectory drawn (0 when hidden or not comparable on these axes). */
  readonly referencePoints: number;
  /** `3d`, or `2d` for a two-component state (a phase portrait: a third axis would repeat x). */
  readonly projection: '2d' | '3d';
  /** Where the fixed point's marker is, when the run settled on one. */
  readonly fixedPoint?: readonly number[];
  /** Axis labels' anchors and, for checking they sit outside it, the farthest drawn point from the centre. */
  readonly layout?: {
    readonly centre: [number, number];
    readonly pointRadius: number;
    readonly labels: [number, number][];
  };
}

/** A phase portrait for d = 2, else the 3D projection. */
export function projectionOf(width: number): '2d' | '3d' {
  return width === 2 ? '2d' : '3d';
}

/** The 3D projection; `reference` (when given) is drawn when the three axes are among its components. */
export function drawPhase(
  canvas: HTMLCanvasElement,
  t: Trajectory,
  view: View3d,
  theme: Theme,
  reference?: ReferenceTrack,
): PlotResult {
  const { ctx, w, h } = prepare(canvas, theme);
  const projection = projectionOf(t.width);
  if (t.rows <= t.burnIn) {
    ctx.fillStyle = theme.muted;
    ctx.fillText(
      t.rows === 0
        ? 'No points yet: press Run.'
        : `Burn-in: ${t.rows.toLocaleString('en-US')} of ${t.burnIn.toLocaleString('en-US')} steps…`,
      12,
      24,
    );
    return { points: 0, referencePoints: 0, projection };
  }
  if (projection === '2d') return drawPortrait(ctx, w, h, t, view, theme, reference);
  const [a, b, c] = view.axes;
  const ref = reference && view.axes.every((k) => k < reference.width) ? reference : undefined;
  const ranges = [range(t, a, ref), range(t, b, ref), range(t, c, ref)];
  const norm = (v: number, k: number) => (2 * (v - ranges[k][0])) / (ranges[k][1] - ranges[k][0]) - 1;
  const cy = Math.cos(view.yaw);
  const sy = Math.sin(view.yaw);
  const cp = Math.cos(view.pitch);
  const sp = Math.sin(view.pitch);
  const scale = (Math.min(w, h) / 2) * 0.62 * view.zoom;
  // The third component is drawn upwards (z up), as physicists draw the Lorenz butterfly.
  const project = (x: number, y: number, z: number): [number, number] => {
    const x1 = cy * x - sy * y;
    const y1 = sy * x + cy * y;
    const up = cp * z - sp * y1;
    return [w / 2 + scale * x1, h / 2 - scale * up];
  };

  // axis triad
  ctx.lineWidth = 1;
  ctx.strokeStyle = theme.grid;
  ctx.fillStyle = theme.muted;
  const corners: [number, number, number][] = [
    [1.1, 0, 0],
    [0, 1.1, 0],
    [0, 0, 1.1],
  ];
  // Labels go beyond the projected bounding cube (which holds every point), along the direction from the centre to
  // the axis's end, so they never land on the attractor.
  const centre = project(0, 0, 0);
  let cubeRadius = 0;
  for (const cx of [-1, 1])
    for (const cy2 of [-1, 1])
      for (const cz of [-1, 1]) {
        const [px, py] = project(cx, cy2, cz);
        cubeRadius = Math.max(cubeRadius, Math.hypot(px - centre[0], py - centre[1]));
      }
  const labels: [number, number][] = [];
  corners.forEach((p, k) => {
    const [x0, y0] = project(-1, -1, -1);
    const [x1, y1] = project(p[0] - 1 + (k === 0 ? 1 : 0), p[1] - 1 + (k === 1 ? 1 : 0), p[2] - 1 + (k === 2 ? 1 : 0));
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
    const name = t.names[view.axes[k]] ?? `x${view.axes[k]}`;
    const dx = x1 - centre[0];
    const dy = y1 - centre[1];
    const len = Math.hypot(dx, dy) || 1;
    const lx = centre[0] + (dx / len) * (cubeRadius + 10);
    const ly = centre[1] + (dy / len) * (cubeRadius + 10);
    const tw = ctx.measureText(name).width;
    // anchor the text on the side facing away from the centre
    ctx.fillText(name, dx < 0 ? lx - tw : lx, dy > 0 ? ly + 10 : ly);
    labels.push([lx, ly]);
  });

  const visible = t.rows - t.burnIn;
  const stride = Math.max(1, Math.floor(visible / 40_000));
  let drawn = 0;
  let pointRadius = 0;
  ctx.lineWidth = 1;
  for (let m = t.members - 1; m >= 0; m--) {
    const { colour, alpha } = memberColour(theme, m, t.members);
    ctx.strokeStyle = colour;
    ctx.globalAlpha = alpha;
    ctx.beginPath();
    let started = false;
    for (let r = t.burnIn; r < t.rows; r += stride) {
      const [px, py] = project(norm(value(t, r, m, a), 0), norm(value(t, r, m, b), 1), norm(value(t, r, m, c), 2));
      if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
      if (started) ctx.lineTo(px, py);
      else ctx.moveTo(px, py);
      started = true;
      drawn++;
      const rad = Math.hypot(px - centre[0], py - centre[1]);
      if (rad > pointRadius) pointRadius = rad;
    }
    ctx.stroke();
  }
  const settled = fixedPoint(t);
  if (settled) {
    const [px, py] = project(norm(settled[a], 0), norm(settled[b], 1), norm(settled[c], 2));
    drawFixedPoint(ctx, px, py, settled, theme);
  }
  let referencePoints = 0;
  if (ref) {
    // Drawn over the model, thinner and translucent: where they agree the model shows through.
    ctx.strokeStyle = theme.reference;
    ctx.globalAlpha = 0.6;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    let started = false;
    for (let i = 0, n = referenceRows(t, ref); i < n; i++) {
      const o = i * ref.width;
      const [px, py] = project(norm(ref.data[o + a], 0), norm(ref.data[o + b], 1), norm(ref.data[o + c], 2));
      if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
      if (started) ctx.lineTo(px, py);
      else ctx.moveTo(px, py);
      started = true;
      referencePoints++;
    }
    ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.globalAlpha = 1;
  ctx.fillStyle = theme.muted;
  ctx.fillText('drag to rotate · wheel to zoom · double-click to reset', 8, h - 8);
  return {
    points: drawn,
    referencePoints,
    projection,
    fixedPoint: settled,
    layout: { centre, pointRadius, labels },
  };
}

/** A filled disc with a ring, and the coordinates beside it. */
function drawFixedPoint(
  ctx: CanvasRenderingContext2D,
  px: number,
  py: number,
  point: readonly number[],
  theme: Theme,
): void {
  ctx.globalAlpha = 1;
  ctx.fillStyle = theme.series[0];
  ctx.beginPath();
  ctx.arc(px, py, 5, 0, 2 * Math.PI);
  ctx.fill();
  ctx.strokeStyle = theme.foreground;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.arc(px, py, 9, 0, 2 * Math.PI);
  ctx.stroke();
  ctx.lineWidth = 1;
  ctx.fillStyle = theme.foreground;
  ctx.fillText(`fixed point ${formatPoint(point)}`, px + 14, py - 10);
}

/** The phase portrait of a two-component state: x1 against x0 with their ranges on the axes. */
function drawPortrait(
  ctx: CanvasRenderingContext2D,
  w: number,
  h: number,
  t: Trajectory,
  view: View3d,
  theme: Theme,
  reference?: ReferenceTrack,
): PlotResult {
  const [a, b] = view.axes;
  const ref = reference && a < reference.width && b < reference.width ? reference : undefined;
  const [xlo, xhi] = range(t, a, ref);
  const [ylo, yhi] = range(t, b, ref);
  const left = 56;
  const bottom = 36;
  const top = 12;
  const right = 16;
  const side = Math.min(w - left - right, h - top - bottom);
  const cx = left + (w - left - right) / 2;
  const cy = top + (h - top - bottom) / 2;
  const half = (side / 2) * view.zoom;
  const px = (v: number) => cx + (((v - xlo) / (xhi - xlo)) * 2 - 1) * half;
  const py = (v: number) => cy - (((v - ylo) / (yhi - ylo)) * 2 - 1) * half;
  ctx.strokeStyle = theme.grid;
  ctx.lineWidth = 1;
  ctx.strokeRect(cx - side / 2, cy - side / 2, side, side);
  ctx.fillStyle = theme.muted;
  const xName = t.names[a] ?? `x${a}`;
  const yName = t.names[b] ?? `x${b}`;
  ctx.fillText(formatTick(xlo), cx - side / 2, cy + side / 2 + 14);
  const xhiLabel = formatTick(xhi);
  ctx.fillText(xhiLabel, cx + side / 2 - ctx.measureText(xhiLabel).width, cy + side / 2 + 14);
  ctx.fillText(xName, cx - ctx.measureText(xName).width / 2, cy + side / 2 + 28);
  const yloLabel = formatTick(ylo);
  const yhiLabel = formatTick(yhi);
  ctx.fillText(yhiLabel, cx - side / 2 - 4 - ctx.measureText(yhiLabel).width, cy - side / 2 + 10);
  ctx.fillText(yloLabel, cx - side / 2 - 4 - ctx.measureText(yloLabel).width, cy + side / 2);
  ctx.fillText(yName, cx - side / 2 - 4 - ctx.measureText(yName).width, cy + 4);
  const stride = Math.max(1, Math.floor((t.rows - t.burnIn) / 40_000));
  let drawn = 0;
  for (let m = t.members - 1; m >= 0; m--) {
    const { colour, alpha } = memberColour(theme, m, t.members);
    ctx.strokeStyle = colour;
    ctx.globalAlpha = alpha;
    ctx.beginPath();
    let started = false;
    for (let r = t.burnIn; r < t.rows; r += stride) {
      const x = px(value(t, r, m, a));
      const y = py(value(t, r, m, b));
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (started) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      started = true;
      drawn++;
    }
    ctx.stroke();
  }
  let referencePoints = 0;
  if (ref) {
    ctx.strokeStyle = theme.reference;
    ctx.globalAlpha = 0.6;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    for (let i = 0, n = referenceRows(t, ref); i < n; i++) {
      const x = px(ref.data[i * ref.width + a]);
      const y = py(ref.data[i * ref.width + b]);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (referencePoints === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
      referencePoints++;
    }
    ctx.stroke();
    ctx.setLineDash([]);
  }
  const settled = fixedPoint(t);
  if (settled) drawFixedPoint(ctx, px(settled[a]), py(settled[b]), settled, theme);
  ctx.globalAlpha = 1;
  ctx.fillStyle = theme.muted;
  ctx.fillText('phase portrait · wheel to zoom · double-click to reset', 8, h - 6);
  return { points: drawn, referencePoints, projection: '2d', fixedPoint: settled };
}

/** Mouse and keyboard control of a View3d. */
export function attachRotation(
  canvas: HTMLCanvasElement,
  view: () => View3d,
  redraw: () => void,
  reset: () => void,
): void {
  let last: { x: number; y: number } | undefined;
  canvas.addEventListener('pointerdown', (e) => {
    last = { x: e.clientX, y: e.clientY };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!last) return;
    const v = view();
    v.yaw += (e.clientX - last.x) * 0.01;
    v.pitch = Math.max(-1.5, Math.min(1.5, v.pitch + (e.clientY - last.y) * 0.01));
    last = { x: e.clientX, y: e.clientY };
    redraw();
  });
  const end = () => (last = undefined);
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  canvas.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const v = view();
      v.zoom = Math.max(0.2, Math.min(20, v.zoom * Math.exp(-e.deltaY * 0.001)));
      redraw();
    },
    { passive: false },
  );
  canvas.addEventListener('dblclick', () => {
    reset();
    redraw();
  });
  canvas.addEventListener('keydown', (e) => {
    const v = view();
    const keys: Record<string, () => void> = {
      ArrowLeft: () => (v.yaw -= 0.1),
      ArrowRight: () => (v.yaw += 0.1),
      ArrowUp: () => (v.pitch = Math.max(-1.5, v.pitch - 0.1)),
      ArrowDown: () => (v.pitch = Math.min(1.5, v.pitch + 0.1)),
      '+': () => (v.zoom = Math.min(20, v.zoom * 1.2)),
      '-': () => (v.zoom = Math.max(0.2, v.zoom / 1.2)),
    };
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
      redraw();
    }
  });
}

// ---- time series -------------------------------------------------------------------------------------------------

/** Components drawn as lanes (the first few; the 3D axes pick from all). */
export const MAX_LANES = 6;

export interface SeriesResult {
  /** Reference points drawn (its components among the lanes). */
  readonly referencePoints: number;
  /** Where the traces start, and where the labels are (all of them left of the traces). */
  readonly plotLeft: number;
  readonly labelRight: number;
  /** The time axis, when there are points after the burn-in. */
  readonly time?: { readonly start: number; readonly end: number };
}

/** Time series lanes. */
export function drawSeries(
  canvas: HTMLCanvasElement,
  t: Trajectory,
  theme: Theme,
  reference?: ReferenceTrack,
): SeriesResult {
  let referencePoints = 0;
  let labelRight = -Infinity;
  const { ctx, w, h } = prepare(canvas, theme);
  const lanes = Math.min(t.width, MAX_LANES);
  const left = 64;
  const right = 8;
  const bottom = 18;
  const laneH = (h - bottom) / lanes;
  const visible = t.rows - t.burnIn;
  const total = Math.max(visible, 1);
  for (let j = 0; j < lanes; j++) {
    const top = j * laneH;
    const ref = reference && j < reference.width ? reference : undefined;
    const [lo, hi] = visible > 0 ? range(t, j, ref) : [-1, 1];
    const y = (v: number) => top + 4 + (laneH - 8) * (1 - (v - lo) / (hi - lo));
    ctx.strokeStyle = theme.grid;
    ctx.lineWidth = 1;
    ctx.strokeRect(left, top + 2, w - left - right, laneH - 4);
    // Labels stay in the left gutter, right-aligned against the frame: never over the traces.
    ctx.fillStyle = theme.muted;
    const gutterText = (text: string, y0: number) => {
      const tw = ctx.measureText(text).width;
      const x0 = Math.max(2, left - 4 - tw);
      ctx.fillText(text, x0, y0);
      labelRight = Math.max(labelRight, x0 + tw);
    };
    gutterText(formatTick(hi), top + 14);
    gutterText(t.names[j] ?? `x${j}`, top + laneH / 2 + 4);
    gutterText(formatTick(lo), top + laneH - 6);
    if (visible <= 0) continue;
    const columns = Math.max(1, Math.floor(w - left - right));
    for (let m = t.members - 1; m >= 0; m--) {
      const { colour, alpha } = memberColour(theme, m, t.members);
      ctx.strokeStyle = colour;
      ctx.globalAlpha = alpha;
      ctx.beginPath();
      // min/max per pixel column keeps spikes visible however long the run
      for (let col = 0; col < columns; col++) {
        const r0 = t.burnIn + Math.floor((col * total) / columns);
        const r1 = Math.min(t.rows, t.burnIn + Math.max(Math.floor(((col + 1) * total) / columns), r0 - t.burnIn + 1));
        if (r0 >= t.rows) break;
        let mn = Infinity;
        let mx = -Infinity;
        for (let r = r0; r < r1; r++) {
          const v = value(t, r, m, j);
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
        const x = left + col;
        if (col === 0) ctx.moveTo(x, y(mn));
        ctx.lineTo(x, y(mn));
        ctx.lineTo(x, y(mx));
      }
      ctx.stroke();
    }
    if (ref) {
      ctx.strokeStyle = theme.reference;
      ctx.globalAlpha = 0.75;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      for (let i = 0, n = referenceRows(t, ref); i < n; i++) {
        const x = left + ((i * ref.stride) / total) * columns;
        const py = y(ref.data[i * ref.width + j]);
        if (!Number.isFinite(py)) continue;
        if (i === 0) ctx.moveTo(x, py);
        else ctx.lineTo(x, py);
        referencePoints++;
      }
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.globalAlpha = 1;
  }
  ctx.fillStyle = theme.muted;
  if (visible <= 0) return { referencePoints, plotLeft: left, labelRight };
  const tEnd = t.rows * t.timeStep;
  const tStart = (t.burnIn + 1) * t.timeStep;
  ctx.fillText(`t = ${formatTick(tStart)}`, left, h - 4);
  const endLabel = `t = ${formatTick(tEnd)}`;
  ctx.fillText(endLabel, w - right - ctx.measureText(endLabel).width, h - 4);
  return { referencePoints, plotLeft: left, labelRight, time: { start: tStart, end: tEnd } };
}

// ---- power spectrum ----------------------------------------------------------------------------------------------

/** In-place radix-2 FFT of (re, im), length a power of two. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b] * cr - im[b] * ci;
        const xi = re[b] * ci + im[b] * cr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
}

export interface Spectrum {
  /** Frequencies (cycles per unit time), excluding 0. */
  readonly freq: Float64Array;
  /** One power array per component, averaged over members. */
  readonly power: Float64Array[];
}

/** Hann-windowed periodogram of the last 2^k rows (k ≤ 16), mean removed, averaged over ensemble members. */
export function powerSpectrum(t: Trajectory, components: number): Spectrum | undefined {
  const visible = t.rows - t.burnIn;
  if (visible < 16) return undefined;
  const n = Math.min(1 << 16, 1 << Math.floor(Math.log2(visible)));
  const start = t.rows - n;
  const freq = new Float64Array(n / 2 - 1).map((_, k) => (k + 1) / (n * t.timeStep));
  const window = new Float64Array(n).map((_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  const power: Float64Array[] = [];
  for (let j = 0; j < components; j++) {
    const p = new Float64Array(n / 2 - 1);
    for (let m = 0; m < t.members; m++) {
      const re = new Float64Array(n);
      const im = new Float64Array(n);
      let mean = 0;
      for (let i = 0; i < n; i++) mean += value(t, start + i, m, j);
      mean /= n;
      for (let i = 0; i < n; i++) re[i] = (value(t, start + i, m, j) - mean) * window[i];
      fft(re, im);
      for (let k = 1; k < n / 2; k++) p[k - 1] += (re[k] * re[k] + im[k] * im[k]) / t.members;
    }
    power.push(p);
  }
  return { freq, power };
}

export function drawSpectrum(
  canvas: HTMLCanvasElement,
  t: Trajectory,
  spectrum: Spectrum | undefined,
  theme: Theme,
): void {
  const { ctx, w, h } = prepare(canvas, theme);
  if (!spectrum) {
    ctx.fillStyle = theme.muted;
    ctx.fillText('The power spectrum appears once the run has 16 points after the burn-in.', 12, 24);
    return;
  }
  const left = 56;
  const right = 8;
  const top = 8;
  const bottom = 22;
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of spectrum.power) {
    for (const v of p) {
      if (v > 0) {
        const l = Math.log10(v);
        if (l < lo) lo = l;
        if (l > hi) hi = l;
      }
    }
  }
  if (!(hi > lo)) {
    lo = -1;
    hi = 1;
  }
  lo = Math.max(lo, hi - 14);
  const fMin = Math.log10(spectrum.freq[0]);
  const fMax = Math.log10(spectrum.freq[spectrum.freq.length - 1]);
  const x = (f: number) => left + ((Math.log10(f) - fMin) / (fMax - fMin || 1)) * (w - left - right);
  const y = (p: number) => top + (1 - (Math.log10(Math.max(p, 10 ** lo)) - lo) / (hi - lo)) * (h - top - bottom);
  ctx.strokeStyle = theme.grid;
  ctx.strokeRect(left, top, w - left - right, h - top - bottom);
  ctx.fillStyle = theme.muted;
  ctx.fillText(`1e${hi.toFixed(0)}`, 4, top + 10);
  ctx.fillText(`1e${lo.toFixed(0)}`, 4, h - bottom);
  ctx.fillText(`f = ${formatTick(spectrum.freq[0])}`, left, h - 6);
  const fLabel = `${formatTick(spectrum.freq[spectrum.freq.length - 1])} (Nyquist)`;
  ctx.fillText(fLabel, w - right - ctx.measureText(fLabel).width, h - 6);
  const columns = Math.floor(w - left - right);
  spectrum.power.forEach((p, j) => {
    ctx.strokeStyle = theme.series[j % theme.series.length];
    ctx.beginPath();
    // log-frequency axis: the highest power per pixel column
    let col = -1;
    let best = 0;
    for (let k = 0; k < p.length; k++) {
      const c = Math.floor(x(spectrum.freq[k]) - left);
      if (c !== col) {
        if (col >= 0) ctx.lineTo(left + col, y(best));
        else ctx.moveTo(left + Math.max(c, 0), y(p[k]));
        col = Math.min(c, columns);
        best = p[k];
      } else if (p[k] > best) best = p[k];
    }
    ctx.stroke();
    const label = t.names[j] ?? `x${j}`;
    ctx.fillStyle = theme.series[j % theme.series.length];
    ctx.fillText(label, w - right - 80, top + 14 + 14 * j);
  });
}
