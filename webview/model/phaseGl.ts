/**
 * The 3D projection in WebGL (three.js): every point of every ensemble member, drawn as line strips straight from
 * the trajectory's own Float32Array. The array ([rows, members, width]) is uploaded as one GPU buffer (a prefix of
 * it, grown fourfold when the rows outgrow it); each member's line reads its three plotted components out of it as
 * strided attributes, so changing nothing but the view redraws without touching the data, and a streamed chunk
 * uploads only its own rows. The normalisation to the
 * unit cube is the model matrix, so a growing range costs nothing either.
 *
 * Text (axis names, the fixed point's coordinates, marker labels) goes on a 2D canvas laid over this one, placed
 * with the same projection (`projector` in plots.ts), which the camera here reproduces.
 *
 * three.js rather than regl: regl compiles its draw commands with `new Function`, which the webview's CSP
 * (scripts by nonce only, no 'unsafe-eval') forbids; three.js needs no eval.
 */
import {
  BufferAttribute,
  BufferGeometry,
  Color,
  ColorManagement,
  GLSL3,
  Group,
  InterleavedBuffer,
  InterleavedBufferAttribute,
  Line,
  Matrix4,
  OrthographicCamera,
  Points,
  Scene,
  ShaderMaterial,
  Vector3,
  WebGLRenderer,
  type IUniform,
} from 'three';
import type { ReferenceTrack } from '../../src/models/previewProtocol';
import { projectionScale, referenceRows, type RunBuffer, type View3d } from './plots';
import { memberColour, type Theme } from './theme';

// The theme's CSS colours are written to the screen as they are (our shaders do no colour-space conversion).
ColorManagement.enabled = false;

/** How the model's lines are coloured. */
export type Colouring =
  | { readonly by: 'member' }
  | { readonly by: 'time' }
  /** `index[row * members + member]` picks a colour of `palette` (at most PALETTE_SIZE) for each point. */
  | { readonly by: 'index'; readonly index: Uint8Array; readonly palette: readonly string[] };

export const PALETTE_SIZE = 16;

/** A perceptually even ramp for colour by time (the viridis colour map's end and quartile colours). */
const TIME_RAMP = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];

const MODE = { member: 0, time: 1, index: 2 } as const;

/**
 * Vertices an interactive frame (a drag, a wheel turn, a run streaming in) may draw, all members together (the true
 * system's track adds half as many); more are thinned to every k-th row until the interaction stops, then the whole
 * trajectory is drawn. A software rasteriser takes about 1 µs per vertex (10^4 ≈ 13 ms here, 10^6 ≈ 0.8 s) on top
 * of a frame's own ~3.5 ms (of which ~2.5 ms is waiting for the GPU process, whatever is drawn); a GPU draws
 * millions per frame. A rotate step at 10^6 rows here, against 4.1–5.2 ms for the canvas renderer at 10^4 points in
 * the same runs: 8.7 ms at 3,000 points, 5.4–6.2 ms at 2,000, 4.8 ms at 1,000 (the points' wait 3.8–4.6 → 3.1 ms).
 *
 * The thinned rows are drawn as points, not as a line: a line through every k-th row is k times longer on screen,
 * and a software rasteriser pays per pixel of line (at 10^6 rows thinned to 10^4, a line strip cost as much as
 * the whole trajectory's), where a point is a few pixels whatever k is.
 */
const SOFTWARE_BUDGET = 1_000;
const GPU_BUDGET = 4_000_000;
/**
 * Rows the GPU buffer holds at first: it grows to four times the rows filled when they outgrow it, so a run's first
 * frame uploads its first rows, not the whole run's capacity (at 10^6 steps, 12 MB took 0.3–0.8 s of that frame).
 */
const FIRST_BUFFER_ROWS = 4096;
/** Rows of the true system's track an interactive frame draws (as points, like the thinned model). */
const REFERENCE_BUDGET_SHARE = 0.5;

/**
 * Whether WebGL2 is rasterised in software (true), on a GPU (false), or not available (undefined); asked of a
 * throw-away context, since the drawing context's antialiasing is fixed when it is made.
 */
function probeSoftware(): boolean | undefined {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return undefined;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|softpipe|software|microsoft basic render/i.test(name);
}

const vertexShader = /* glsl */ `
in float ax;
in float ay;
in float az;
in float colourIndex;
uniform int mode;
uniform vec3 colour;
uniform float first;
uniform float count;
uniform vec3 ramp[5];
uniform vec3 palette[${PALETTE_SIZE}];
uniform float pointSize;
out vec3 vColour;
out float vIndex;
void main() {
  vIndex = float(gl_VertexID);
  gl_Position = projectionMatrix * modelViewMatrix * vec4(ax, ay, az, 1.0);
  gl_PointSize = pointSize;
  if (mode == 1) {
    float s = clamp((vIndex - first) / max(1.0, count - 1.0), 0.0, 1.0) * 4.0;
    int i = int(min(floor(s), 3.0));
    vColour = mix(ramp[i], ramp[i + 1], s - float(i));
  } else if (mode == 2) {
    vColour = palette[int(clamp(colourIndex, 0.0, ${PALETTE_SIZE - 1}.0))];
  } else {
    vColour = colour;
  }
}
`;

const fragmentShader = /* glsl */ `
uniform float opacity;
uniform bool dashed;
in vec3 vColour;
in float vIndex;
out vec4 fragColour;
void main() {
  // The truth is dashed as on the canvas: two segments drawn, two left out.
  if (dashed && mod(floor(vIndex / 2.0), 2.0) > 0.5) discard;
  fragColour = vec4(vColour, opacity);
}
`;

function colourUniform(css: string): Vector3 {
  const c = new Color(css);
  return new Vector3(c.r, c.g, c.b);
}

export interface GlFrame {
  /** Vertices drawn, all members. */
  readonly points: number;
  readonly referencePoints: number;
  /** 1 when every row was drawn; k when an interactive frame drew every k-th. */
  readonly stride: number;
}

/** Ranges of every component after the burn-in, finite values only, extended as rows arrive. */
class Ranges {
  lo: Float64Array;
  hi: Float64Array;
  scanned: number;
  constructor(
    readonly t: RunBuffer,
    readonly burnIn: number,
  ) {
    this.lo = new Float64Array(t.width).fill(Infinity);
    this.hi = new Float64Array(t.width).fill(-Infinity);
    this.scanned = burnIn;
  }
  extend(): void {
    const { t, lo, hi } = this;
    const stride = t.members * t.width;
    for (let r = this.scanned; r < t.rows; r++)
      for (let k = r * stride, end = k + stride, j = 0; k < end; k++, j = j + 1 === t.width ? 0 : j + 1) {
        const v = t.data[k];
        if (v < lo[j]) lo[j] = v;
        if (v > hi[j]) hi[j] = v;
      }
    this.scanned = Math.max(this.scanned, t.rows);
  }
}

export class PhaseGl {
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new OrthographicCamera(-1, 1, 1, -1, 0.01, 20);
  /** Maps the data's ranges onto the cube [-1, 1]³. */
  private readonly cube = new Group();
  private lines: Line<BufferGeometry, ShaderMaterial>[] = [];
  /** Per member, every k-th row as points, for interactive frames. */
  private coarse: Points<BufferGeometry, ShaderMaterial>[] = [];
  /** The reference's every k-th row as points, for interactive frames. */
  private coarseReference: Points<BufferGeometry, ShaderMaterial> | undefined;
  private readonly budget: number;
  /** The canvas size (CSS pixels) and pixel ratio the renderer was last given. */
  private size = { w: 0, h: 0, ratio: 0 };
  private refExtent: { ref: ReferenceTrack; rows: number; lo: Float64Array; hi: Float64Array } | undefined;
  private referenceLine: Line<BufferGeometry, ShaderMaterial> | undefined;
  private buffer: InterleavedBuffer | undefined;
  private colourBuffer: InterleavedBuffer | undefined;
  /** What the GPU buffers were built for; anything else rebuilds them. */
  private built = '';
  private builtFor: Float32Array | undefined;
  private builtReference: ReferenceTrack | undefined;
  private uploadedRows = 0;
  /** Rows the GPU buffer can hold (a prefix of the trajectory's array). */
  private bufferRows = 0;
  private ranges: Ranges | undefined;
  private colouring: Colouring = { by: 'member' };
  private colouringVersion = 0;
  private lost = false;
  private readonly warmMaterial = this.material();

  /** Undefined when this browser gives no WebGL2 context (three.js needs WebGL2). */
  static create(canvas: HTMLCanvasElement, onLost: () => void): PhaseGl | undefined {
    try {
      const software = probeSoftware();
      if (software === undefined) return undefined;
      return new PhaseGl(canvas, onLost, software);
    } catch {
      return undefined;
    }
  }

  private constructor(
    readonly canvas: HTMLCanvasElement,
    onLost: () => void,
    /** A software rasteriser (SwiftShader, llvmpipe): each vertex costs about a microsecond of CPU. */
    readonly software: boolean,
  ) {
    // preserveDrawingBuffer: Export PNG (and a test reading pixels) copies the canvas after the frame was shown.
    // Multisampling quadruples a software rasteriser's work, so it is only asked of a GPU. No depth buffer: nothing
    // is depth-tested (later members are drawn over earlier ones, as on the canvas), and it would be cleared per frame.
    this.renderer = new WebGLRenderer({ canvas, antialias: !software, preserveDrawingBuffer: true, depth: false });
    this.renderer.setPixelRatio(window.devicePixelRatio || 1);
    this.scene.add(this.cube);
    this.camera.matrixAutoUpdate = false;
    canvas.addEventListener('webglcontextlost', () => {
      this.lost = true;
      onLost();
    });
    this.budget = software ? SOFTWARE_BUDGET : GPU_BUDGET;
  }

  get isLost(): boolean {
    return this.lost;
  }

  /**
   * A new index array (or switching to or from one) rebuilds the buffers; the same array again, after the caller
   * filled in more of it, uploads it anew without rebuilding.
   */
  setColouring(colouring: Colouring): void {
    const before = this.colouring;
    const sameIndex = before.by === 'index' && colouring.by === 'index' && before.index === colouring.index;
    this.colouring = colouring;
    if (sameIndex && this.colourBuffer) this.colourBuffer.needsUpdate = true;
    else if (before.by === 'index' || colouring.by === 'index') this.colouringVersion++;
  }

  /**
   * Compiles the shaders (the line's and the points') before the first Run, so the first points are not held up by
   * it. three.js frees a program when no material uses it any more, so this material is kept until `dispose`.
   */
  warmUp(): void {
    const geometry = new BufferGeometry();
    for (const name of ['ax', 'ay', 'az']) geometry.setAttribute(name, new BufferAttribute(new Float32Array(2), 1));
    const warm = [new Line(geometry, this.warmMaterial), new Points(geometry, this.warmMaterial)];
    for (const o of warm) {
      o.frustumCulled = false;
      this.cube.add(o);
    }
    this.renderer.setSize(10, 10, false);
    this.size = { w: 0, h: 0, ratio: 0 };
    this.renderer.render(this.scene, this.camera);
    for (const o of warm) this.cube.remove(o);
    geometry.dispose();
  }

  private reset(): void {
    for (const l of [...this.lines, ...this.coarse]) {
      l.geometry.dispose();
      l.material.dispose();
      this.cube.remove(l);
    }
    this.lines = [];
    this.coarse = [];
    this.dropReference();
    this.built = '';
    this.builtFor = undefined;
    this.buffer = undefined;
    this.colourBuffer = undefined;
    this.ranges = undefined;
  }

  private dropReference(): void {
    for (const o of [this.referenceLine, this.coarseReference]) {
      if (!o) continue;
      o.geometry.dispose();
      o.material.dispose();
      this.cube.remove(o);
    }
    this.referenceLine = undefined;
    this.coarseReference = undefined;
    this.builtReference = undefined;
  }

  private material(): ShaderMaterial {
    const uniforms: Record<string, IUniform> = {
      mode: { value: MODE.member },
      colour: { value: new Vector3() },
      first: { value: 0 },
      count: { value: 1 },
      ramp: { value: TIME_RAMP.map(colourUniform) },
      palette: { value: Array.from({ length: PALETTE_SIZE }, () => new Vector3()) },
      opacity: { value: 1 },
      dashed: { value: false },
      pointSize: { value: 2 * (window.devicePixelRatio || 1) },
    };
    return new ShaderMaterial({
      glslVersion: GLSL3,
      vertexShader,
      fragmentShader,
      uniforms,
      transparent: true,
      depthTest: false,
      depthWrite: false,
    });
  }

  /** The geometry of one line reading components `axes` at `offset` within each row of `buffer`. */
  private geometry(buffer: InterleavedBuffer, offset: number, axes: readonly number[]): BufferGeometry {
    const g = new BufferGeometry();
    g.setAttribute('ax', new InterleavedBufferAttribute(buffer, 1, offset + axes[0]));
    g.setAttribute('ay', new InterleavedBufferAttribute(buffer, 1, offset + axes[1]));
    g.setAttribute('az', new InterleavedBufferAttribute(buffer, 1, offset + axes[2]));
    return g;
  }

  private build(t: RunBuffer, view: View3d, key: string): void {
    this.reset();
    this.built = key;
    this.builtFor = t.data;
    const stride = t.members * t.width;
    const capacity = Math.min(t.data.length / stride, Math.max(FIRST_BUFFER_ROWS, 4 * t.rows));
    this.buffer = new InterleavedBuffer(t.data.subarray(0, capacity * stride), stride);
    this.bufferRows = capacity;
    this.uploadedRows = t.rows;
    const colouring = this.colouring;
    // Indices are read as they are (bytes, not normalised): the shader sees 0, 1, 2, …
    this.colourBuffer = colouring.by === 'index' ? new InterleavedBuffer(colouring.index, t.members) : undefined;
    // Drawn last to first, so member 0 (the given initial state) is on top, as on the canvas.
    for (let m = t.members - 1; m >= 0; m--) {
      const geometry = this.geometry(this.buffer, m * t.width, view.axes);
      if (this.colourBuffer)
        geometry.setAttribute('colourIndex', new InterleavedBufferAttribute(this.colourBuffer, 1, m));
      const line = new Line(geometry, this.material());
      line.frustumCulled = false;
      line.renderOrder = t.members - m;
      line.userData.member = m;
      this.lines.push(line);
      this.cube.add(line);
      // The thinned points get a small copy of the rows they keep (an index into the full buffer would not do: a
      // software rasteriser then processes every vertex between the first and last index).
      const coarse = new Points(new BufferGeometry(), this.material());
      coarse.frustumCulled = false;
      coarse.renderOrder = line.renderOrder;
      coarse.userData.member = m;
      coarse.userData.stride = 0;
      coarse.userData.rows = 0;
      coarse.visible = false;
      this.coarse.push(coarse);
      this.cube.add(coarse);
    }
    this.ranges = new Ranges(t, t.burnIn);
  }

  private buildReference(ref: ReferenceTrack, view: View3d): void {
    this.dropReference();
    const buffer = new InterleavedBuffer(ref.data, ref.width);
    const line = new Line(this.geometry(buffer, 0, view.axes), this.material());
    line.frustumCulled = false;
    line.renderOrder = 1_000;
    this.referenceLine = line;
    this.builtReference = ref;
    this.cube.add(line);
    const coarse = new Points(new BufferGeometry(), this.material());
    coarse.frustumCulled = false;
    coarse.renderOrder = line.renderOrder;
    coarse.visible = false;
    const keep = Math.max(1, Math.floor(this.budget * REFERENCE_BUDGET_SHARE));
    const stride = Math.max(1, Math.ceil(ref.rows / keep));
    const n = Math.ceil(ref.rows / stride);
    for (let k = 0; k < 3; k++) {
      const values = new Float32Array(n);
      for (let i = 0; i < n; i++) values[i] = ref.data[i * stride * ref.width + view.axes[k]];
      coarse.geometry.setAttribute(['ax', 'ay', 'az'][k], new BufferAttribute(values, 1));
    }
    coarse.userData.stride = stride;
    this.coarseReference = coarse;
    this.cube.add(coarse);
  }

  /**
   * Draws `t` (rows after the burn-in) and the reference (when its components cover the axes) on a canvas of
   * w × h CSS pixels. Returns the data ranges on the three axes, for the overlay's projection.
   */
  draw(
    t: RunBuffer,
    view: View3d,
    theme: Theme,
    reference: ReferenceTrack | undefined,
    w: number,
    h: number,
    interactive = false,
  ): GlFrame & { ranges: [number, number][] } {
    const key = `${t.members}:${t.width}:${t.burnIn}:${view.axes.join(',')}:${this.colouringVersion}`;
    if (key !== this.built || t.data !== this.builtFor || t.rows > this.bufferRows) this.build(t, view, key);
    const buffer = this.buffer!;
    if (t.rows > this.uploadedRows) {
      // Only the rows that arrived since the last frame go to the GPU.
      const stride = t.members * t.width;
      buffer.clearUpdateRanges();
      buffer.addUpdateRange(this.uploadedRows * stride, (t.rows - this.uploadedRows) * stride);
      buffer.needsUpdate = true;
      this.uploadedRows = t.rows;
    }
    const ranges = this.ranges!;
    ranges.extend();
    const ref = reference && view.axes.every((k) => k < reference.width) ? reference : undefined;
    if (ref !== this.builtReference || (ref && this.built !== key)) {
      if (ref) this.buildReference(ref, view);
      else this.dropReference();
    }
    const refRows = ref ? referenceRows(t, ref) : 0;
    // Both curves in one frame (a model that drifts off the attractor stays comparable with the truth).
    const refExtent = ref ? this.referenceExtent(ref, refRows) : undefined;
    const axisRanges = view.axes.map((j): [number, number] => {
      const lo = Math.min(ranges.lo[j], refExtent?.lo[j] ?? Infinity);
      const hi = Math.max(ranges.hi[j], refExtent?.hi[j] ?? -Infinity);
      if (!(hi > lo)) return [lo === Infinity ? -1 : lo - 1, hi === -Infinity ? 1 : hi + 1];
      return [lo, hi];
    });
    const s = axisRanges.map(([lo, hi]) => 2 / (hi - lo));
    this.cube.scale.set(s[0], s[1], s[2]);
    this.cube.position.set(...(axisRanges.map(([lo, hi], k) => -((lo + hi) / 2) * s[k]) as [number, number, number]));

    const first = t.burnIn;
    const count = Math.max(0, t.rows - t.burnIn);
    const stride = interactive ? Math.max(1, Math.ceil((count * t.members) / this.budget)) : 1;
    let drawn = 0;
    this.lines.forEach((line, i) => {
      const thin = this.coarse[i];
      line.visible = stride === 1;
      thin.visible = stride > 1;
      const shown = stride === 1 ? line : thin;
      if (stride === 1) {
        line.geometry.setDrawRange(first, count);
        drawn += count;
      } else drawn += this.thin(thin, t, view.axes, stride);
      const m = shown.userData.member as number;
      const u = shown.material.uniforms;
      const { colour, alpha } = memberColour(theme, m, t.members);
      u.mode.value = MODE[this.colouring.by];
      (u.colour.value as Vector3).copy(colourUniform(colour));
      u.opacity.value = alpha;
      // Colour by time counts the vertices drawn: rows on the full line, kept rows on the thinned one.
      u.first.value = stride === 1 ? first : 0;
      u.count.value = stride === 1 ? count : (shown.geometry.drawRange.count as number);
      if (this.colouring.by === 'index') {
        const pal = this.colouring.palette;
        (u.palette.value as Vector3[]).forEach((v, k) => v.copy(colourUniform(pal[k % pal.length] ?? theme.series[0])));
      }
    });
    if (this.referenceLine && this.coarseReference) {
      // Thinned with the model: in an interactive frame the truth's every k-th row, as points.
      const thin = stride > 1;
      this.referenceLine.visible = !thin;
      this.coarseReference.visible = thin;
      const shown = thin ? this.coarseReference : this.referenceLine;
      const u = shown.material.uniforms;
      (u.colour.value as Vector3).copy(colourUniform(theme.reference));
      u.opacity.value = 0.6;
      u.dashed.value = !thin;
      shown.geometry.setDrawRange(0, thin ? Math.ceil(refRows / this.coarseReference.userData.stride) : refRows);
    }

    this.placeCamera(view, w, h);
    // Only on a change: setting a WebGL canvas's size, even to the one it has, reallocates its drawing buffer,
    // a cost of its own in every frame of a drag on a software rasteriser
    const ratio = window.devicePixelRatio || 1;
    if (w !== this.size.w || h !== this.size.h || ratio !== this.size.ratio) {
      if (ratio !== this.renderer.getPixelRatio()) this.renderer.setPixelRatio(ratio);
      this.renderer.setSize(w, h, false);
      this.size = { w, h, ratio };
    }
    this.renderer.setClearColor(new Color(theme.background), 1);
    this.renderer.render(this.scene, this.camera);
    return { points: drawn, referencePoints: refRows, ranges: axisRanges, stride };
  }

  /**
   * The reference's smallest and largest value of each component over its first `rows` rows, extended by the rows
   * added since the last frame (a frame of a drag rescanned 10^5 rows of a 10^6-step run's truth).
   */
  private referenceExtent(ref: ReferenceTrack, rows: number): { lo: Float64Array; hi: Float64Array } {
    let e = this.refExtent;
    if (!e || e.ref !== ref || rows < e.rows) {
      e = {
        ref,
        rows: 0,
        lo: new Float64Array(ref.width).fill(Infinity),
        hi: new Float64Array(ref.width).fill(-Infinity),
      };
      this.refExtent = e;
    }
    for (let i = e.rows; i < rows; i++)
      for (let j = 0; j < ref.width; j++) {
        const v = ref.data[i * ref.width + j];
        if (v < e.lo[j]) e.lo[j] = v;
        if (v > e.hi[j]) e.hi[j] = v;
      }
    e.rows = rows;
    return e;
  }

  /**
   * Fills the thinned points with every `stride`-th row from `first` (and the last row) of member `m`; returns its
   * vertex count. Rewritten in place only when the rows or the stride changed.
   */
  private thin(
    line: Points<BufferGeometry, ShaderMaterial>,
    t: RunBuffer,
    axes: readonly number[],
    stride: number,
  ): number {
    const data = line.userData as { member: number; stride: number; rows: number; first: number };
    const first = t.burnIn;
    const n = Math.ceil((t.rows - first) / stride) + 1;
    const g = line.geometry;
    if (!g.getAttribute('ax')) {
      const capacity = Math.ceil(this.budget / t.members) + 2;
      for (const name of ['ax', 'ay', 'az']) g.setAttribute(name, new BufferAttribute(new Float32Array(capacity), 1));
      if (this.colouring.by === 'index')
        g.setAttribute('colourIndex', new BufferAttribute(new Uint8Array(capacity), 1));
    }
    if (data.stride !== stride || data.rows !== t.rows || data.first !== first) {
      const m = data.member;
      const names = ['ax', 'ay', 'az'];
      const index = this.colouring.by === 'index' ? this.colouring.index : undefined;
      const colours = g.getAttribute('colourIndex') as BufferAttribute | undefined;
      for (let i = 0; i < n; i++) {
        const row = Math.min(first + i * stride, t.rows - 1);
        const o = (row * t.members + m) * t.width;
        for (let k = 0; k < 3; k++) (g.getAttribute(names[k]) as BufferAttribute).array[i] = t.data[o + axes[k]];
        if (index && colours) colours.array[i] = index[row * t.members + m];
      }
      for (const name of [...names, 'colourIndex']) {
        const attribute = g.getAttribute(name) as BufferAttribute | undefined;
        if (!attribute) continue;
        attribute.clearUpdateRanges();
        attribute.addUpdateRange(0, n);
        attribute.needsUpdate = true;
      }
      Object.assign(data, { stride, rows: t.rows, first });
    }
    g.setDrawRange(0, n);
    return n;
  }

  /** The camera that reproduces `projector`: right = (cos yaw, −sin yaw, 0), up tilted by pitch, z up. */
  private placeCamera(view: View3d, w: number, h: number): void {
    const cy = Math.cos(view.yaw);
    const sy = Math.sin(view.yaw);
    const cp = Math.cos(view.pitch);
    const sp = Math.sin(view.pitch);
    const right = new Vector3(cy, -sy, 0);
    const up = new Vector3(-sp * sy, -sp * cy, cp);
    const back = new Vector3().crossVectors(right, up);
    const scale = projectionScale(view, w, h);
    const cam = this.camera;
    cam.left = -w / 2 / scale;
    cam.right = w / 2 / scale;
    cam.top = h / 2 / scale;
    cam.bottom = -h / 2 / scale;
    cam.updateProjectionMatrix();
    cam.matrix.copy(new Matrix4().makeBasis(right, up, back).setPosition(back.multiplyScalar(5)));
    cam.updateMatrixWorld(true);
  }

  /** Blocks until the GPU has drawn the frame (reads one pixel): for measuring what a frame costs. */
  finish(): void {
    const gl = this.renderer.getContext();
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
  }

  /** Bytes held in GPU buffers for the trajectory (the upload's size). */
  get bufferBytes(): number {
    return (this.buffer?.array.byteLength ?? 0) + (this.colourBuffer?.array.byteLength ?? 0);
  }

  dispose(): void {
    this.reset();
    this.warmMaterial.dispose();
    this.renderer.dispose();
  }
}
