/**
 * The preview's phase plots on a 2D canvas: the phase portrait for a two-component state, and the 3D projection
 * when WebGL is unavailable (phaseGl.ts draws it otherwise; the time series and spectra are uPlot charts in
 * timeSeries.ts). Also what both 3D renderers share: the trajectory's layout, its ranges, the projection of the
 * view's yaw, pitch and zoom to the screen, the axis triad and the fixed-point marker. Ensemble members are
 * overlaid, and so is the true system's trajectory when the host sent one (a `ReferenceTrack`, drawn in the
 * theme's chart foreground colour). Long trajectories are decimated for the canvas (the data itself is kept whole).
 */
import type { ReferenceTrack } from '../../src/models/previewProtocol';
import { formatTick, memberColour, type Theme } from './theme';

/** A run as the webview holds it while chunks stream in (the host's states are `Trajectory`, in src/core/). */
export interface RunBuffer {
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

/** Sizes the canvas backing store to its CSS size × devicePixelRatio; returns a context in CSS pixels. */
export function prepare(
  canvas: HTMLCanvasElement,
  theme: Theme,
): { ctx: CanvasRenderingContext2D; w: number; h: number } {
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

export function value(t: RunBuffer, row: number, member: number, j: number): number {
  return t.data[(row * t.members + member) * t.width + j];
}

/** Reference rows that fall inside the trajectory drawn so far. */
export function referenceRows(t: RunBuffer, ref: ReferenceTrack): number {
  return Math.min(ref.rows, Math.ceil(Math.max(0, t.rows - t.burnIn) / ref.stride));
}

/** Smallest and largest finite value of component `j` after the burn-in, over all members (sampled when long). */
function extent(t: RunBuffer, j: number): [number, number] {
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
export function fixedPoint(t: RunBuffer): number[] | undefined {
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

export function range(t: RunBuffer, j: number, ref?: ReferenceTrack): [number, number] {
  let [lo, hi] = extent(t, j);
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
  /** Where row `row` of member 0 is drawn (CSS pixels), for the cursor's marker; undefined when not drawn. */
  readonly locate?: (row: number) => [number, number] | undefined;
  /** Where a state (its plotted components, indexed like a row) is drawn, for the dynamics analysis' markers. */
  readonly place?: (values: readonly number[]) => [number, number] | undefined;
  /** Axis labels' anchors and, for checking they sit outside it, the farthest drawn point from the centre. */
  readonly layout?: {
    readonly centre: [number, number];
    readonly pointRadius: number;
    readonly labels: [number, number][];
  };
}

/** A colour per point: `index[row * members + member]` picks one of `palette` (the dynamics analysis's subregions). */
export interface PointColours {
  readonly index: Uint8Array;
  readonly palette: readonly string[];
}

/**
 * Strokes member `m`'s rows from the burn-in, every `stride`-th, through `at` (screen position, or undefined to
 * skip a row); with `colours`, each run of rows of one colour is its own path, joined to the previous one. Returns
 * the rows drawn and the farthest of them from `centre`.
 */
function strokeMember(
  ctx: CanvasRenderingContext2D,
  t: RunBuffer,
  m: number,
  stride: number,
  at: (row: number) => [number, number] | undefined,
  colour: string,
  colours: PointColours | undefined,
  centre: [number, number] = [0, 0],
): { drawn: number; radius: number } {
  let drawn = 0;
  let radius = 0;
  let current = -1;
  let last: [number, number] | undefined;
  ctx.strokeStyle = colour;
  ctx.beginPath();
  for (let r = t.burnIn; r < t.rows; r += stride) {
    const p = at(r);
    if (!p || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) continue;
    const k = colours ? colours.index[r * t.members + m] : -1;
    if (colours && k !== current) {
      if (last) {
        ctx.lineTo(p[0], p[1]);
        ctx.stroke();
      }
      current = k;
      ctx.strokeStyle = colours.palette[k % colours.palette.length] ?? colour;
      ctx.beginPath();
      if (last) ctx.moveTo(last[0], last[1]);
    }
    if (last) ctx.lineTo(p[0], p[1]);
    else ctx.moveTo(p[0], p[1]);
    last = p;
    drawn++;
    const rad = Math.hypot(p[0] - centre[0], p[1] - centre[1]);
    if (rad > radius) radius = rad;
  }
  ctx.stroke();
  return { drawn, radius };
}

/** A phase portrait for d = 2, else the 3D projection. */
export function projectionOf(width: number): '2d' | '3d' {
  return width === 2 ? '2d' : '3d';
}

/**
 * The 3D projection; `reference` (when given) is drawn when the three axes are among its components; `colours`
 * (when given) colour the model's points instead of its members' colours.
 */
export function drawPhase(
  canvas: HTMLCanvasElement,
  t: RunBuffer,
  view: View3d,
  theme: Theme,
  reference?: ReferenceTrack,
  colours?: PointColours,
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
  if (projection === '2d') return drawPortrait(ctx, w, h, t, view, theme, reference, colours);
  const [a, b, c] = view.axes;
  const ref = reference && view.axes.every((k) => k < reference.width) ? reference : undefined;
  const ranges = [range(t, a, ref), range(t, b, ref), range(t, c, ref)];
  const norm = (v: number, k: number) => (2 * (v - ranges[k][0])) / (ranges[k][1] - ranges[k][0]) - 1;
  const project = projector(view, w, h);
  const { centre, labels } = drawAxes(ctx, project, view, t.names, theme);
  const visible = t.rows - t.burnIn;
  const stride = Math.max(1, Math.floor(visible / 40_000));
  let drawn = 0;
  let pointRadius = 0;
  ctx.lineWidth = 1;
  for (let m = t.members - 1; m >= 0; m--) {
    const { colour, alpha } = memberColour(theme, m, t.members);
    ctx.globalAlpha = alpha;
    const member = strokeMember(
      ctx,
      t,
      m,
      stride,
      (r) => project(norm(value(t, r, m, a), 0), norm(value(t, r, m, b), 1), norm(value(t, r, m, c), 2)),
      colour,
      colours,
      centre,
    );
    drawn += member.drawn;
    pointRadius = Math.max(pointRadius, member.radius);
  }
  const settled = fixedPoint(t);
  if (settled) {
    const [px, py] = project(norm(settled[a], 0), norm(settled[b], 1), norm(settled[c], 2));
    drawFixedPoint(ctx, px, py, settled, theme);
  }
  const referencePoints = ref
    ? strokeReference(ctx, theme, referenceRows(t, ref), (i) => {
        const o = i * ref.width;
        return project(norm(ref.data[o + a], 0), norm(ref.data[o + b], 1), norm(ref.data[o + c], 2));
      })
    : 0;
  ctx.globalAlpha = 1;
  ctx.fillStyle = theme.muted;
  ctx.fillText('drag to rotate · wheel to zoom · double-click to reset', 8, h - 8);
  return {
    points: drawn,
    referencePoints,
    projection,
    fixedPoint: settled,
    layout: { centre, pointRadius, labels },
    locate: (row) => {
      if (row < t.burnIn || row >= t.rows) return undefined;
      return project(norm(value(t, row, 0, a), 0), norm(value(t, row, 0, b), 1), norm(value(t, row, 0, c), 2));
    },
    place: (v) => project(norm(v[a], 0), norm(v[b], 1), norm(v[c], 2)),
  };
}

/**
 * The screen position (CSS pixels) of a point in the normalised cube [-1, 1]³: an orthographic view turned by yaw
 * about the third component's axis and tilted by pitch, the third component drawn upwards (z up, as physicists draw
 * the Lorenz butterfly). The WebGL renderer sets its camera to the same mapping, so labels and markers drawn on a
 * 2D overlay land on the points.
 */
export function projector(view: View3d, w: number, h: number): (x: number, y: number, z: number) => [number, number] {
  const cy = Math.cos(view.yaw);
  const sy = Math.sin(view.yaw);
  const cp = Math.cos(view.pitch);
  const sp = Math.sin(view.pitch);
  const scale = projectionScale(view, w, h);
  return (x, y, z) => {
    const x1 = cy * x - sy * y;
    const y1 = sy * x + cy * y;
    const up = cp * z - sp * y1;
    return [w / 2 + scale * x1, h / 2 - scale * up];
  };
}

/** Pixels per unit of the normalised cube. */
export function projectionScale(view: View3d, w: number, h: number): number {
  return (Math.min(w, h) / 2) * 0.62 * view.zoom;
}

/**
 * The axis triad from the cube's corner, each named beyond the projected bounding cube (which holds every point),
 * along the direction from the centre to the axis's end, so labels never land on the attractor.
 */
export function drawAxes(
  ctx: CanvasRenderingContext2D,
  project: (x: number, y: number, z: number) => [number, number],
  view: View3d,
  names: readonly string[],
  theme: Theme,
): { centre: [number, number]; labels: [number, number][]; cubeRadius: number } {
  ctx.lineWidth = 1;
  ctx.strokeStyle = theme.grid;
  ctx.fillStyle = theme.muted;
  const corners: [number, number, number][] = [
    [1.1, 0, 0],
    [0, 1.1, 0],
    [0, 0, 1.1],
  ];
  const centre = project(0, 0, 0);
  let cubeRadius = 0;
  for (const cx of [-1, 1])
    for (const cy of [-1, 1])
      for (const cz of [-1, 1]) {
        const [px, py] = project(cx, cy, cz);
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
    const name = names[view.axes[k]] ?? `x${view.axes[k]}`;
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
  return { centre, labels, cubeRadius };
}

/**
 * The truth as a dashed, translucent line over the model (where they agree the model shows through); rows that
 * project off the plot (a non-finite value) are skipped. Returns how many rows were drawn.
 */
function strokeReference(
  ctx: CanvasRenderingContext2D,
  theme: Theme,
  rows: number,
  at: (row: number) => readonly [number, number],
): number {
  ctx.strokeStyle = theme.reference;
  ctx.globalAlpha = 0.6;
  ctx.setLineDash([4, 3]);
  ctx.beginPath();
  let drawn = 0;
  for (let i = 0; i < rows; i++) {
    const [x, y] = at(i);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (drawn === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
    drawn++;
  }
  ctx.stroke();
  ctx.setLineDash([]);
  return drawn;
}

/** A filled disc with a ring, and the coordinates beside it. */
export function drawFixedPoint(
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
  t: RunBuffer,
  view: View3d,
  theme: Theme,
  reference?: ReferenceTrack,
  colours?: PointColours,
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
    ctx.globalAlpha = alpha;
    drawn += strokeMember(
      ctx,
      t,
      m,
      stride,
      (r) => [px(value(t, r, m, a)), py(value(t, r, m, b))],
      colour,
      colours,
    ).drawn;
  }
  const referencePoints = ref
    ? strokeReference(ctx, theme, referenceRows(t, ref), (i) => [
        px(ref.data[i * ref.width + a]),
        py(ref.data[i * ref.width + b]),
      ])
    : 0;
  const settled = fixedPoint(t);
  if (settled) drawFixedPoint(ctx, px(settled[a]), py(settled[b]), settled, theme);
  ctx.globalAlpha = 1;
  ctx.fillStyle = theme.muted;
  ctx.fillText('phase portrait · wheel to zoom · double-click to reset', 8, h - 6);
  return {
    points: drawn,
    referencePoints,
    projection: '2d',
    fixedPoint: settled,
    locate: (row) => (row < t.burnIn || row >= t.rows ? undefined : [px(value(t, row, 0, a)), py(value(t, row, 0, b))]),
    place: (v) => [px(v[a]), py(v[b])],
  };
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

/** Components drawn as time-series lanes (the first few; the 3D axes pick from all). */
export const MAX_LANES = 6;
