/**
 * The preview's phase plot: the 3D projection in WebGL (phaseGl.ts) with its text on a 2D canvas above it, or —
 * for a two-component state, before any point after the burn-in, and when WebGL is unavailable or its context was
 * lost — the canvas renderer of plots.ts, with a note saying why the 3D view is slower.
 *
 * For other sections of the preview (e.g. an analysis that finds fixed points and linear subregions):
 * - `setMarkers(points, labels)`: states to mark (each with all the trajectory's components, as in its rows), drawn
 *   as rings with their label in both renderers; `setMarkers([], [])` clears them.
 * - `setColouring(index, palette)`: a colour per point, `index[row * members + member]` choosing one of `palette`
 *   (CSS colours, at most PALETTE_SIZE); `index` covers the trajectory's capacity (steps × members). Call again with
 *   the same array after filling in more of it; `setColouring(undefined)` goes back to the colour-by choice. Both
 *   renderers draw it (the canvas one on the rows it keeps).
 * - `setColourBy('member' | 'time')`: the user's choice when no per-point colouring is set.
 */
import type { ReferenceTrack } from '../../src/models/previewProtocol';
import { PALETTE_SIZE, PhaseGl, type Colouring } from './phaseGl';
import {
  drawAxes,
  drawFixedPoint,
  drawPhase,
  fixedPoint,
  projectionOf,
  projector,
  value,
  type PlotResult,
  type RunBuffer,
  type View3d,
} from './plots';
import type { Theme } from './theme';

export type Renderer = 'webgl' | 'canvas';

export interface Marker {
  readonly point: readonly number[];
  readonly label: string;
}

export class PhaseView {
  private gl: PhaseGl | undefined;
  private markers: Marker[] = [];
  private colourBy: 'member' | 'time' = 'member';
  private perPoint: { index: Uint8Array; palette: readonly string[] } | undefined;
  /** Why the 3D view is on the canvas renderer, when it is. */
  fallback: string | undefined;
  /** When set, a frame waits for its pixels (for measuring what it costs; off for users). */
  measuring = false;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly glCanvas: HTMLCanvasElement,
    private readonly onFallback: () => void,
  ) {
    this.gl = PhaseGl.create(glCanvas, () => this.lose('WebGL stopped (its context was lost)'));
    if (this.gl) this.gl.warmUp();
    else this.fallback = 'WebGL is not available here';
  }

  private lose(reason: string): void {
    this.gl = undefined;
    this.fallback = reason;
    this.glCanvas.hidden = true;
    this.onFallback();
  }

  get renderer(): Renderer {
    return this.gl ? 'webgl' : 'canvas';
  }

  setMarkers(points: readonly (readonly number[])[], labels: readonly string[]): void {
    this.markers = points.map((point, i) => ({ point, label: labels[i] ?? '' }));
  }

  setColouring(index: Uint8Array | undefined, palette: readonly string[] = []): void {
    if (index && (palette.length === 0 || palette.length > PALETTE_SIZE))
      throw new RangeError(`a palette of 1 to ${PALETTE_SIZE} colours (got ${palette.length})`);
    this.perPoint = index ? { index, palette } : undefined;
    this.gl?.setColouring(this.colouring());
  }

  setColourBy(by: 'member' | 'time'): void {
    this.colourBy = by;
    this.gl?.setColouring(this.colouring());
  }

  private colouring(): Colouring {
    return this.perPoint ? { by: 'index', ...this.perPoint } : { by: this.colourBy };
  }

  /** Whether the last frame drew every point (false: an interactive frame thinned them). */
  fullDetail = true;

  /**
   * `interactive`: a frame of a drag, a wheel turn or a run streaming in, which may thin the points to keep up; the
   * caller draws a full frame once the interaction stops.
   */
  draw(t: RunBuffer, view: View3d, theme: Theme, reference?: ReferenceTrack, interactive = false): PlotResult {
    const gl = this.gl;
    const projection = projectionOf(t.width);
    if (!gl || projection === '2d' || t.rows <= t.burnIn) {
      this.glCanvas.hidden = true;
      this.fullDetail = true;
      const result = drawPhase(this.canvas, t, view, theme, reference, this.perPoint);
      if (result.place && this.markers.length) {
        const ctx = this.canvas.getContext('2d')!;
        this.drawMarkers(ctx, result.place, theme);
      }
      if (this.measuring) this.canvas.getContext('2d')!.getImageData(0, 0, 1, 1);
      return result;
    }
    this.glCanvas.hidden = false;
    const w = Math.max(50, this.canvas.clientWidth);
    const h = Math.max(50, this.canvas.clientHeight);
    const frame = gl.draw(t, view, theme, reference, w, h, interactive);
    this.fullDetail = frame.stride === 1;
    if (this.measuring) gl.finish();
    const ratio = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(w * ratio) || this.canvas.height !== Math.round(h * ratio)) {
      this.canvas.width = Math.round(w * ratio);
      this.canvas.height = Math.round(h * ratio);
    }
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = theme.font;
    const [a, b, c] = view.axes;
    const r = frame.ranges;
    const norm = (v: number, k: number) => (2 * (v - r[k][0])) / (r[k][1] - r[k][0]) - 1;
    const project = projector(view, w, h);
    const place = (p: readonly number[]): [number, number] => project(norm(p[a], 0), norm(p[b], 1), norm(p[c], 2));
    const { centre, labels, cubeRadius } = drawAxes(ctx, project, view, t.names, theme);
    const settled = fixedPoint(t);
    if (settled) {
      const [px, py] = place(settled);
      drawFixedPoint(ctx, px, py, settled, theme);
    }
    this.drawMarkers(ctx, place, theme);
    ctx.globalAlpha = 1;
    ctx.fillStyle = theme.muted;
    ctx.fillText('drag to rotate · wheel to zoom · double-click to reset', 8, h - 8);
    return {
      points: frame.points,
      referencePoints: frame.referencePoints,
      projection,
      fixedPoint: settled,
      // Every point lies in the cube the labels are placed outside of; its projected radius bounds them.
      layout: { centre, pointRadius: cubeRadius, labels },
      locate: (row) =>
        row < t.burnIn || row >= t.rows
          ? undefined
          : place(Array.from({ length: t.width }, (_, j) => value(t, row, 0, j))),
      place,
    };
  }

  private drawMarkers(
    ctx: CanvasRenderingContext2D,
    place: (p: readonly number[]) => [number, number] | undefined,
    theme: Theme,
  ): void {
    ctx.globalAlpha = 1;
    ctx.lineWidth = 2;
    for (const m of this.markers) {
      const at = place(m.point);
      if (!at) continue;
      const [px, py] = at;
      if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
      ctx.strokeStyle = theme.foreground;
      ctx.beginPath();
      ctx.arc(px, py, 6, 0, 2 * Math.PI);
      ctx.stroke();
      if (m.label) {
        ctx.fillStyle = theme.foreground;
        ctx.fillText(m.label, px + 9, py - 8);
      }
    }
    ctx.lineWidth = 1;
  }

  /** The plot as shown (WebGL picture and its text), for Export PNG. */
  snapshot(): HTMLCanvasElement {
    if (!this.gl || this.glCanvas.hidden) return this.canvas;
    const out = document.createElement('canvas');
    out.width = this.canvas.width;
    out.height = this.canvas.height;
    const ctx = out.getContext('2d')!;
    ctx.drawImage(this.glCanvas, 0, 0, out.width, out.height);
    ctx.drawImage(this.canvas, 0, 0);
    return out;
  }

  dispose(): void {
    this.gl?.dispose();
    this.gl = undefined;
  }

  /** Bytes of trajectory held on the GPU (0 on the canvas renderer). */
  get gpuBytes(): number {
    return this.gl?.bufferBytes ?? 0;
  }
}
