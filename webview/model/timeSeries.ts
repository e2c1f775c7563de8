/**
 * The time series (one uPlot lane per component, stacked) and the power spectrum (uPlot, log–log). uPlot is made for
 * long series: drag to zoom (the lanes zoom together), shift+drag to pan the zoomed window, double-click to reset, a cursor synced across the lanes (and
 * reported to the 3D view, which marks that time), legend entries that hide or show a member or the truth in every
 * lane. Long runs are handed to uPlot as min/max envelopes per pixel of the zoomed window, recomputed from the whole
 * trajectory when the window changes, so spikes stay visible and a 10^6-step run stays fast.
 */
import uPlot from 'uplot';
import { rfftPower } from '../../src/core/fft';
import type { ReferenceTrack } from '../../src/models/previewProtocol';
import { MAX_LANES, type RunBuffer } from './plots';
import { formatTick, type Theme } from './theme';

export interface SeriesResult {
  /** Reference points drawn (its components among the lanes). */
  readonly referencePoints: number;
  /** Where the traces start (the axes and their labels sit left of them). */
  readonly plotLeft: number;
  /** The time axis, when there are points after the burn-in. */
  readonly time?: { readonly start: number; readonly end: number };
}

const SYNC_KEY = 'attractor-series';
const LANE_HEIGHT = 96;

function value(t: RunBuffer, row: number, member: number, j: number): number {
  return t.data[(row * t.members + member) * t.width + j];
}

const timeOf = (t: RunBuffer, row: number) => (row + 1) * t.timeStep;

/** Finite or null (uPlot draws a gap for null). */
const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * Rows [from, to) as `buckets` min/max pairs per member (two x values per bucket, the bucket's first and middle
 * row), plus the reference at the nearest of its decimated rows. Returns uPlot's aligned data for component `j`.
 */
function envelope(
  t: RunBuffer,
  j: number,
  from: number,
  to: number,
  buckets: number,
  ref: ReferenceTrack | undefined,
): { data: uPlot.AlignedData; referencePoints: number } {
  const n = Math.max(0, to - from);
  const perBucket = Math.max(1, Math.ceil(n / Math.max(1, buckets)));
  const pairs = perBucket === 1 ? n : Math.ceil(n / perBucket);
  const points = perBucket === 1 ? n : 2 * pairs;
  const x = new Float64Array(points);
  const ys: (number | null)[][] = Array.from({ length: t.members }, () => new Array<number | null>(points));
  const refY = ref ? new Array<number | null>(points).fill(null) : undefined;
  let referencePoints = 0;
  const refAt = (row: number, k: number) => {
    if (!ref || !refY) return;
    const i = Math.round((row - t.burnIn) / ref.stride);
    if (i >= 0 && i < ref.rows) {
      refY[k] = finite(ref.data[i * ref.width + j]);
      if (refY[k] !== null) referencePoints++;
    }
  };
  if (perBucket === 1) {
    for (let k = 0; k < n; k++) {
      const r = from + k;
      x[k] = timeOf(t, r);
      for (let m = 0; m < t.members; m++) ys[m][k] = finite(value(t, r, m, j));
      refAt(r, k);
    }
  } else {
    for (let b = 0; b < pairs; b++) {
      const r0 = from + b * perBucket;
      const r1 = Math.min(to, r0 + perBucket);
      x[2 * b] = timeOf(t, r0);
      x[2 * b + 1] = timeOf(t, Math.floor((r0 + r1 - 1) / 2));
      for (let m = 0; m < t.members; m++) {
        let lo = Infinity;
        let hi = -Infinity;
        for (let r = r0; r < r1; r++) {
          const v = value(t, r, m, j);
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        ys[m][2 * b] = finite(lo);
        ys[m][2 * b + 1] = finite(hi);
      }
      refAt(r0, 2 * b);
      refAt(Math.floor((r0 + r1 - 1) / 2), 2 * b + 1);
    }
  }
  const data: (ArrayLike<number | null> | Float64Array)[] = [x, ...ys];
  if (refY) data.push(refY);
  return { data: data as uPlot.AlignedData, referencePoints };
}

function memberStroke(theme: Theme, m: number, members: number): string {
  return theme.series[(members === 1 ? 0 : m) % theme.series.length];
}

function axis(theme: Theme, label?: string): uPlot.Axis {
  return {
    stroke: theme.muted,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1 },
    font: theme.font,
    labelFont: theme.font,
    label,
    size: 48,
    // log axes pass null for unlabelled minor ticks
    values: (_u, splits) => splits.map((v) => (v == null ? '' : formatTick(v))),
  };
}

/** The stacked lanes; rebuilt when the run's shape (members, reference) or the theme changes. */
export class SeriesPlots {
  private plots: uPlot[] = [];
  private shape = '';
  private traj: RunBuffer | undefined;
  private ref: ReferenceTrack | undefined;
  /** The zoomed time window, or undefined for the whole run. */
  private window: [number, number] | undefined;
  private syncing = false;

  constructor(
    private readonly container: HTMLElement,
    private theme: Theme,
    private readonly onCursor: (row: number | undefined) => void,
  ) {}

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.shape = '';
  }

  /** Every canvas, top to bottom (for the PNG export). */
  canvases(): HTMLCanvasElement[] {
    return this.plots.map((p) => p.ctx.canvas);
  }

  update(t: RunBuffer, reference: ReferenceTrack | undefined): SeriesResult {
    const lanes = Math.min(t.width, MAX_LANES);
    const ref = reference && reference.width > 0 ? reference : undefined;
    const shape = `${lanes}:${t.members}:${ref ? ref.label : ''}:${t.names.slice(0, lanes).join(',')}`;
    if (shape !== this.shape || this.plots.length !== lanes) this.build(t, lanes, ref, shape);
    this.traj = t;
    this.ref = ref;
    const referencePoints = this.fill();
    const first = this.plots[0];
    const plotLeft = first ? first.over.offsetLeft : 0;
    const visible = t.rows - t.burnIn;
    return {
      referencePoints,
      plotLeft,
      time: visible > 0 ? { start: timeOf(t, t.burnIn), end: timeOf(t, t.rows - 1) } : undefined,
    };
  }

  /** Sets every lane's data for the current window. */
  private fill(): number {
    const t = this.traj;
    if (!t) return 0;
    let from = t.burnIn;
    let to = t.rows;
    if (this.window) {
      from = Math.max(t.burnIn, Math.floor(this.window[0] / t.timeStep) - 2);
      to = Math.min(t.rows, Math.ceil(this.window[1] / t.timeStep) + 1);
    }
    let referencePoints = 0;
    this.syncing = true;
    try {
      this.plots.forEach((p, j) => {
        const ref = this.ref && j < this.ref.width ? this.ref : undefined;
        const buckets = Math.max(100, Math.floor(p.bbox.width / devicePixelRatio || this.container.clientWidth));
        const { data, referencePoints: n } = envelope(t, j, from, to, buckets, ref);
        if (ref && p.series[p.series.length - 1].show !== false) referencePoints += n;
        p.setData(data, !this.window);
        if (this.window) p.setScale('x', { min: this.window[0], max: this.window[1] });
      });
    } finally {
      this.syncing = false;
    }
    return referencePoints;
  }

  private build(t: RunBuffer, lanes: number, ref: ReferenceTrack | undefined, shape: string): void {
    for (const p of this.plots) p.destroy();
    this.plots = [];
    this.shape = shape;
    this.window = undefined;
    this.container.replaceChildren();
    const width = Math.max(200, this.container.clientWidth);
    for (let j = 0; j < lanes; j++) {
      const series: uPlot.Series[] = [{ label: 't', value: (_u, v) => (v == null ? '' : formatTick(v)) }];
      for (let m = 0; m < t.members; m++)
        series.push({
          label: t.members === 1 ? 'model' : `member ${m + 1}`,
          stroke: memberStroke(this.theme, m, t.members),
          width: 1,
          alpha: t.members === 1 || m === 0 ? 1 : Math.max(0.35, 0.8 - t.members / 100),
          points: { show: false },
          value: (_u, v) => (v == null ? '' : formatTick(v)),
        });
      if (ref && j < ref.width)
        series.push({
          label: `truth: ${ref.label}`,
          stroke: this.theme.reference,
          width: 1,
          dash: [4, 3],
          points: { show: false },
          value: (_u, v) => (v == null ? '' : formatTick(v)),
        });
      const lane = document.createElement('div');
      lane.className = 'lane';
      this.container.append(lane);
      const last = j === lanes - 1;
      const opts: uPlot.Options = {
        width,
        height: LANE_HEIGHT + (last ? 30 : 0),
        series,
        legend: { show: last, live: true },
        cursor: {
          sync: { key: SYNC_KEY, setSeries: true },
          // uPlot's own double-click resets to the data it holds, which is the zoomed window: reset to the whole run.
          bind: {
            dblclick: () => () => {
              this.resetZoom();
              return null;
            },
          },
          drag: { x: true, y: false, setScale: true },
          points: { show: false },
        },
        scales: { x: { time: false } },
        axes: [
          {
            ...axis(this.theme, last ? 'time' : undefined),
            size: last ? 40 : 8,
            values: last ? axis(this.theme).values : () => [],
          },
          axis(this.theme, t.names[j] ?? `x${j}`),
        ],
        hooks: {
          setScale: [(u, key) => key === 'x' && this.zoomed(u)],
          setCursor: [
            (u) => {
              const i = u.cursor.idx;
              const x = i == null ? undefined : u.data[0][i];
              this.onCursor(x == null ? undefined : Math.round(x / t.timeStep) - 1);
            },
          ],
          setSeries: [() => this.fill()],
        },
      };
      const plot = new uPlot(opts, [[]], lane);
      // Shift+drag pans the zoomed window (a plain drag is uPlot's zoom). Caught on the lane, before uPlot's own
      // listener on its overlay sees the press.
      lane.addEventListener(
        'mousedown',
        (e) => {
          if (!e.shiftKey || e.button !== 0 || !plot.over.contains(e.target as Node)) return;
          e.stopPropagation();
          e.preventDefault();
          this.pan(plot, e.clientX);
        },
        true,
      );
      this.plots.push(plot);
    }
  }

  private resetZoom(): void {
    this.window = undefined;
    this.container.dataset.window = '';
    this.fill();
  }

  /** Moves the window with the pointer until the button is released, within the run's time span. */
  private pan(plot: uPlot, startX: number): void {
    const t = this.traj;
    if (!t || !this.window) return;
    const fullMin = timeOf(t, t.burnIn);
    const fullMax = timeOf(t, Math.max(t.burnIn, t.rows - 1));
    const [from, to] = this.window;
    const span = to - from;
    const perPixel = span / Math.max(1, plot.over.clientWidth);
    const move = (e: MouseEvent) => {
      const start = Math.min(
        Math.max(fullMin, from - (e.clientX - startX) * perPixel),
        Math.max(fullMin, fullMax - span),
      );
      this.setWindow([start, start + span]);
    };
    const up = () => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  }

  private setWindow(w: [number, number] | undefined): void {
    this.window = w;
    this.fill();
    this.container.dataset.window = w ? w.map((v) => formatTick(v)).join(' … ') : '';
  }

  /** A lane's x scale changed (drag to zoom, double-click to reset): the other lanes follow and the data is redone. */
  private zoomed(u: uPlot): void {
    if (this.syncing || !this.traj) return;
    const { min, max } = u.scales.x;
    if (min == null || max == null) return;
    const t = this.traj;
    // uPlot applies scales after setData returns, so our own updates come back here: a scale that spans the data a
    // lane holds (no window) or equals the window is not a new zoom.
    const xs = u.data[0];
    const eps = 1e-9 * Math.max(1, Math.abs(max));
    if (!this.window && xs.length > 0 && min <= xs[0] + eps && max >= xs[xs.length - 1] - eps) return;
    if (this.window && Math.abs(min - this.window[0]) <= eps && Math.abs(max - this.window[1]) <= eps) return;
    const fullMin = timeOf(t, t.burnIn);
    const fullMax = timeOf(t, Math.max(t.burnIn, t.rows - 1));
    this.setWindow(min <= fullMin && max >= fullMax ? undefined : [min, max]);
  }

  resize(): void {
    const width = Math.max(200, this.container.clientWidth);
    for (const p of this.plots) if (Math.abs(p.width - width) > 1) p.setSize({ width, height: p.height });
  }
}

export interface Spectrum {
  /** Frequencies (cycles per unit time), excluding 0. */
  readonly freq: Float64Array;
  /** One power array per component, averaged over members. */
  readonly power: Float64Array[];
}

/**
 * Hann-windowed periodogram of the last min(rows, 2^16) rows after the burn-in, mean removed, averaged over
 * ensemble members, by the project's one FFT (src/core/fft.ts, any length).
 */
export function powerSpectrum(t: RunBuffer, components: number): Spectrum | undefined {
  const visible = t.rows - t.burnIn;
  if (visible < 16) return undefined;
  const n = Math.min(1 << 16, visible);
  const start = t.rows - n;
  const bins = Math.floor(n / 2);
  const freq = new Float64Array(bins).map((_, k) => (k + 1) / (n * t.timeStep));
  const window = new Float64Array(n).map((_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  const power: Float64Array[] = [];
  const x = new Float64Array(n);
  for (let j = 0; j < components; j++) {
    const p = new Float64Array(bins);
    for (let m = 0; m < t.members; m++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += value(t, start + i, m, j);
      mean /= n;
      for (let i = 0; i < n; i++) x[i] = (value(t, start + i, m, j) - mean) * window[i];
      const raw = rfftPower(x);
      for (let k = 1; k <= bins; k++) p[k - 1] += raw[k] / t.members;
    }
    power.push(p);
  }
  return { freq, power };
}

/** At most `bins` log-spaced frequency bins, the highest power of each (peaks stay visible). */
function logBinned(s: Spectrum, bins: number): uPlot.AlignedData {
  const n = s.freq.length;
  if (n <= bins) return [s.freq, ...s.power.map((p) => Array.from(p, (v) => (v > 0 ? v : null)))] as uPlot.AlignedData;
  const lo = Math.log(s.freq[0]);
  const hi = Math.log(s.freq[n - 1]);
  const xs: number[] = [];
  const ys: (number | null)[][] = s.power.map(() => []);
  let k = 0;
  for (let b = 0; b < bins && k < n; b++) {
    const edge = Math.exp(lo + ((b + 1) * (hi - lo)) / bins);
    const k0 = k;
    while (k < n && (s.freq[k] <= edge || k === k0)) k++;
    xs.push(s.freq[Math.floor((k0 + k - 1) / 2)]);
    s.power.forEach((p, j) => {
      let best = 0;
      for (let i = k0; i < k; i++) if (p[i] > best) best = p[i];
      ys[j].push(best > 0 ? best : null);
    });
  }
  return [xs, ...ys] as uPlot.AlignedData;
}

/** The power spectrum on log–log axes. */
export class SpectrumPlot {
  private plot: uPlot | undefined;
  private shape = '';

  constructor(
    private readonly container: HTMLElement,
    private readonly note: HTMLElement,
    private theme: Theme,
  ) {}

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.shape = '';
  }

  canvases(): HTMLCanvasElement[] {
    return this.plot ? [this.plot.ctx.canvas] : [];
  }

  update(s: Spectrum | undefined, names: readonly string[]): void {
    this.note.hidden = s !== undefined;
    this.container.hidden = s === undefined;
    if (!s) return;
    const shape = names.slice(0, s.power.length).join(',');
    const data = logBinned(s, 1200);
    if (!this.plot || shape !== this.shape) {
      this.plot?.destroy();
      this.shape = shape;
      this.container.replaceChildren();
      this.plot = new uPlot(
        {
          width: Math.max(200, this.container.clientWidth),
          height: 220,
          series: [
            { label: 'f', value: (_u, v) => (v == null ? '' : formatTick(v)) },
            ...s.power.map((_, j) => ({
              label: names[j] ?? `x${j}`,
              stroke: this.theme.series[j % this.theme.series.length],
              width: 1,
              points: { show: false },
              value: (_u: uPlot, v: number | null) => (v == null ? '' : v.toExponential(2)),
            })),
          ],
          scales: { x: { time: false, distr: 3 }, y: { distr: 3 } },
          cursor: { drag: { x: true, y: false }, points: { show: false } },
          axes: [
            { ...axis(this.theme, 'frequency (cycles per unit time)'), size: 40 },
            {
              ...axis(this.theme, 'power'),
              size: 64,
              values: (_u, splits) => splits.map((v) => (v == null ? '' : v.toExponential(0))),
            },
          ],
        },
        // created with its data: log scales cannot be ranged over no data
        data,
        this.container,
      );
      return;
    }
    this.plot.setData(data);
  }

  resize(): void {
    if (this.plot) {
      const width = Math.max(200, this.container.clientWidth);
      if (Math.abs(this.plot.width - width) > 1) this.plot.setSize({ width, height: this.plot.height });
    }
  }
}
