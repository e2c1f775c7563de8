import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import {
  parseHostToPreview,
  type MetricsTable,
  type PreviewModel,
  type PreviewPanelState,
  type PreviewToHost,
  type ReferenceTrack,
  type RunParameters,
} from '../../src/models/previewProtocol';
import { vscodeApi } from '../paper/vscodeApi';
import { PhaseView } from './phaseView';
import {
  attachRotation,
  defaultView,
  formatPoint,
  projectionOf,
  MAX_LANES,
  type PlotResult,
  type RunBuffer,
  type View3d,
} from './plots';
import { readTheme, type Theme } from './theme';
import { powerSpectrum, SeriesPlots, SpectrumPlot, type Spectrum } from './timeSeries';
import { AnalysisSection } from './analysis';
import { regionIndex, regionPalette } from './regionColours';
import { button, el } from './dom';

const vscode = vscodeApi<PreviewToHost, PreviewPanelState>();
const root = document.getElementById('preview') as HTMLElement;

interface TextField extends HTMLElement {
  value: string;
}

let model: PreviewModel | undefined;
let traj: (RunBuffer & { runId: number; steps: number }) | undefined;
let view: View3d = defaultView(3);
let theme: Theme = readTheme();
let spectrum: Spectrum | undefined;
/** The true system's trajectory sent with the metrics of the current run, and whether it is drawn. */
let reference: ReferenceTrack | undefined;
let showReference = true;
let running = false;
let runClickedAt = 0;
let firstDrawMs: number | undefined;
let frame = 0;
/** When the last full draw ended and what it cost (ms), for the redraw budget while a run streams. */
let drawnAt = 0;
let drawCost = 0;
let drawTimer: ReturnType<typeof setTimeout> | undefined;
let lastSpectrum = 0;
/** Said under the plot when a run stopped inside its burn-in and the plots show those steps instead. */
let shownBeforeBurnIn: string | undefined;
let seriesPlots: SeriesPlots | undefined;
let spectrumPlot: SpectrumPlot | undefined;
/** The last 3D drawing, to place the marker of the time under the time-series cursor. */
let lastPhase: PlotResult | undefined;
let cursorRow: number | undefined;
/** "Analyse dynamics" (its own module): table, markers and subregion colours over the 3D view. */
let analysis: AnalysisSection | undefined;
let phaseView: PhaseView | undefined;
/** The subregion colouring handed to the 3D view: for which analysis, trajectory and palette, and rows coloured. */
/** The user's choice of 3D colour when no subregion colouring is on. */
let colourBy: 'member' | 'time' = 'member';
let regionColouring: { colours: object; data: Float32Array; palette: string; rows: number } | undefined;
let phaseFrame = 0;
/** How long the last phase frames took (ms), newest last: read by the UI test that measures rotation. */
const frameTimes: string[] = [];
let framesDrawn = 0;
/** While the user turns or zooms, frames may be thinned; a full frame follows once they stop. */
let turning = false;
let settleTimer: ReturnType<typeof setTimeout> | undefined;

function turn(): void {
  turning = true;
  clearTimeout(settleTimer);
  settleTimer = setTimeout(() => {
    turning = false;
    schedulePhase();
  }, 150);
  schedulePhase();
}

function field(id: string, label: string, value: string, help: string): HTMLElement {
  const wrap = el('label', { class: 'field', for: id });
  wrap.append(el('span', { class: 'field-label' }, label));
  const input = document.createElement('vscode-textfield') as TextField;
  input.id = id;
  input.setAttribute('value', value);
  input.setAttribute('aria-label', label);
  input.title = help;
  wrap.append(input);
  return wrap;
}

/** Numbers as people write them: a float64 read from text keeps at most 12 significant digits (no 0.0150079999…). */
function formatNumber(v: number): string {
  return String(+v.toPrecision(12));
}

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

function setStatus(text: string, kind: 'info' | 'error' | 'done' = 'info'): void {
  const s = byId('status');
  s.textContent = text;
  s.className = `status ${kind}`;
}

function setRunning(on: boolean): void {
  running = on;
  byId('run').toggleAttribute('disabled', on);
  byId('cancel').toggleAttribute('disabled', !on);
  root.setAttribute('aria-busy', on ? 'true' : 'false');
}

/** Colour the 3D lines by ensemble member or by time (WebGL only: the canvas renderer colours by member; both draw
 * the analysis's subregion colours when they are on). */
function colourSelect(): HTMLElement {
  const wrap = el('label', { class: 'axis' });
  wrap.append(el('span', {}, 'colour'));
  const sel = document.createElement('vscode-single-select') as TextField;
  sel.id = 'colour-by';
  sel.setAttribute('aria-label', '3D colour');
  for (const [value, label] of [
    ['member', 'by member'],
    ['time', 'by time'],
  ]) {
    const o = document.createElement('vscode-option');
    o.setAttribute('value', value);
    if (value === 'member') o.setAttribute('selected', '');
    o.textContent = label;
    sel.append(o);
  }
  sel.addEventListener('change', () => {
    colourBy = sel.value === 'time' ? 'time' : 'member';
    phaseView?.setColourBy(colourBy);
    schedulePhase();
  });
  wrap.append(sel);
  return wrap;
}

/** Says why the 3D view is drawn on the canvas (slower, thinned), when it is. */
function showFallback(): void {
  const note = byId('phase-fallback');
  const reason = model && projectionOf(model.width) === '3d' ? phaseView?.fallback : undefined;
  note.hidden = !reason;
  note.textContent = reason
    ? `${reason}: the 3D projection is drawn on a 2D canvas instead, thinned to 40,000 points, slower to turn and coloured by member (or by subregion after Analyse dynamics), not by time.`
    : '';
  document.getElementById('colour-by')?.closest('label')?.toggleAttribute('hidden', !!reason);
}

function axisSelect(id: string, index: number, m: PreviewModel): HTMLElement {
  const wrap = el('label', { class: 'axis' });
  wrap.append(el('span', {}, ['x', 'y', 'z'][index]));
  const sel = document.createElement('vscode-single-select') as TextField;
  sel.id = id;
  sel.setAttribute('aria-label', `3D axis ${['x', 'y', 'z'][index]}`);
  m.stateNames.forEach((name, j) => {
    const o = document.createElement('vscode-option');
    o.setAttribute('value', String(j));
    if (j === view.axes[index]) o.setAttribute('selected', '');
    o.textContent = name;
    sel.append(o);
  });
  sel.addEventListener('change', () => {
    view.axes[index] = Number(sel.value);
    schedule();
  });
  wrap.append(sel);
  return wrap;
}

function render(m: PreviewModel): void {
  model = m;
  view = defaultView(m.width);
  vscode.setState({ ...vscode.getState(), file: m.file });
  const header = el('header', { class: 'preview-header' });
  header.append(el('h1', {}, m.fileName));
  const facts = [
    `${m.kind}${m.kindSource === 'metadata' ? '' : ` (${m.kindSource === 'answer' ? 'your choice' : 'from its shapes'})`}`,
    `d = ${m.dim}`,
    m.elemType,
  ];
  if (m.width !== m.dim) facts.push(`plotting ${m.width} values`);
  if (m.system) facts.push(`system: ${m.system}`);
  if (m.paper) facts.push(`paper: arXiv ${m.paper}`);
  header.append(el('p', { class: 'meta' }, facts.join(' · ')));
  if (m.notes.length) {
    const ul = el('ul', { class: 'notes' });
    for (const n of m.notes) ul.append(el('li', {}, n));
    header.append(ul);
  }

  const d = m.defaults;
  const controls = el('section', { class: 'controls', 'aria-label': 'Run parameters' });
  controls.append(
    field('x0', 'Initial state', d.initialState.map(formatNumber).join(', '), `${m.dim} numbers, separated by commas`),
    field('steps', 'Steps', String(d.steps), `1 to ${m.limits.maxSteps.toLocaleString('en-US')}`),
    field(
      'dt',
      m.dtIsInput ? 'dt' : 'dt (time axis only)',
      formatNumber(d.dt),
      m.dtIsInput ? 'integration step' : 'time between steps, for the axes and the spectrum',
    ),
    field(
      'members',
      'Ensemble',
      String(d.members),
      `1 to ${m.limits.maxMembers}: the initial state plus perturbed copies`,
    ),
    field(
      'perturbation',
      'Perturbation σ',
      formatNumber(d.perturbation),
      'standard deviation of the perturbation of ensemble members',
    ),
    field('burnIn', 'Burn-in', String(d.burnIn), 'steps dropped from plots and exports'),
  );
  const actions = el('div', { class: 'actions' });
  actions.append(button('run', 'Run', false), button('cancel', 'Cancel'));
  controls.append(actions);
  // "Compare with Data…": a file from the workspace replaces the true system in the metrics and the overlay.
  const dataActions = el('div', { class: 'actions data-actions', role: 'group', 'aria-label': 'Ground truth' });
  const clear = button('clear-data', 'Clear data');
  clear.hidden = true;
  dataActions.append(
    button('compare-data', 'Compare with Data…'),
    clear,
    el('span', { id: 'data-label', class: 'muted', 'aria-live': 'polite' }),
  );
  controls.append(dataActions);

  const progress = el('progress', { id: 'progress', max: '1', value: '0', 'aria-label': 'Progress' });
  const status = el('p', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' });

  const plots = el('section', { class: 'plots', 'aria-label': 'Plots' });
  const phaseHead = el('div', { class: 'plot-head' });
  const portrait = projectionOf(m.width) === '2d';
  phaseHead.append(el('h2', { id: 'phase-title' }, portrait ? 'Phase portrait' : '3D projection'));
  const axes = el('div', { class: 'axes' });
  if (portrait) axes.append(axisSelect('axis-x', 0, m), axisSelect('axis-y', 1, m));
  else axes.append(axisSelect('axis-x', 0, m), axisSelect('axis-y', 1, m), axisSelect('axis-z', 2, m));
  if (!portrait) axes.append(colourSelect());
  phaseHead.append(axes);
  const exports = el('div', { class: 'exports' });
  exports.append(
    button('export-png', 'Export PNG'),
    button('export-csv', 'Export CSV'),
    button('export-npy', 'Export .npy'),
  );
  phaseHead.append(exports);
  const legend = el('div', { id: 'legend', class: 'legend', role: 'group', 'aria-label': 'Legend' });
  legend.hidden = true;
  const phase = el('canvas', {
    id: 'phase',
    class: 'plot phase',
    tabindex: '0',
    role: 'img',
    'aria-label': portrait ? 'Phase portrait of the trajectory' : '3D projection of the trajectory',
  });
  const phaseNote = el('p', { id: 'phase-note', class: 'plot-note', 'aria-live': 'polite' });
  phaseNote.hidden = true;
  const series = el('div', {
    id: 'series',
    class: 'plot series',
    role: 'group',
    'aria-label': 'Time series of each component (drag to zoom, shift+drag to pan, double-click to reset)',
  });
  const spectrumBox = el('div', {
    id: 'spectrum',
    class: 'plot spectrum',
    role: 'group',
    'aria-label': 'Power spectrum of each component',
  });
  const spectrumNote = el(
    'p',
    { id: 'spectrum-note', class: 'muted' },
    'The power spectrum appears once the run has 16 points after the burn-in.',
  );
  const phaseBox = el('div', { class: 'phase-box' });
  const marker = el('canvas', { id: 'phase-marker', class: 'phase-marker', 'aria-hidden': 'true' });
  const glCanvas = el('canvas', { id: 'phase-gl', class: 'phase-gl', 'aria-hidden': 'true' });
  glCanvas.hidden = true;
  phaseBox.append(glCanvas, phase, marker);
  const fallback = el('p', { id: 'phase-fallback', class: 'plot-note muted', role: 'status' });
  fallback.hidden = true;
  plots.append(
    phaseHead,
    legend,
    fallback,
    phaseBox,
    phaseNote,
    el('h2', {}, m.width > MAX_LANES ? `Time series (first ${MAX_LANES} of ${m.width})` : 'Time series'),
    series,
    el('h2', {}, 'Power spectrum'),
    spectrumNote,
    spectrumBox,
  );
  const metrics = el('section', { id: 'metrics', class: 'metrics', 'aria-label': 'Comparison with ground truth' });
  metrics.hidden = true;

  analysis = new AnalysisSection(
    {
      post: (message) => vscode.postMessage(message),
      save: (v) => vscode.setState({ ...(vscode.getState() ?? { file: m.file }), file: m.file, analysis: v }),
      saved: () => vscode.getState()?.analysis,
    },
    m.file,
    m.plotsState ?? true,
    phaseBox,
    schedule,
  );
  root.replaceChildren(header, controls, progress, status, plots, metrics, analysis.section);
  root.setAttribute('aria-busy', 'false');
  setRunning(false);

  byId('run').addEventListener('click', run);
  byId('cancel').addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
  byId('export-csv').addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'csv' }));
  byId('export-npy').addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'npy' }));
  byId('export-png').addEventListener('click', exportPng);
  byId('compare-data').addEventListener('click', () => vscode.postMessage({ type: 'chooseData' }));
  byId('clear-data').addEventListener('click', () => vscode.postMessage({ type: 'clearData' }));
  seriesPlots = new SeriesPlots(series, theme, (row) => {
    cursorRow = row;
    drawMarker();
  });
  spectrumPlot = new SpectrumPlot(spectrumBox, spectrumNote, theme);
  phaseView?.dispose();
  colourBy = 'member';
  regionColouring = undefined;
  phaseView = new PhaseView(phase, glCanvas, () => {
    showFallback();
    schedule();
  });
  showFallback();
  // Turning or zooming redraws the phase plot alone: the time series and spectrum have not changed.
  attachRotation(
    phase,
    () => view,
    turn,
    () => (view = { ...defaultView(m.width), axes: view.axes }),
  );
  draw();
}

function numberField(id: string): number {
  return Number(byId<TextField>(id).value.trim());
}

function readParams(m: PreviewModel): RunParameters | string {
  const x0 = byId<TextField>('x0')
    .value.split(/[,\s]+/)
    .filter((s) => s.length > 0)
    .map(Number);
  if (x0.length !== m.dim || !x0.every(Number.isFinite))
    return `The initial state needs ${m.dim} numbers (got ${x0.length}).`;
  const params = {
    initialState: x0,
    steps: numberField('steps'),
    dt: numberField('dt'),
    members: numberField('members'),
    perturbation: numberField('perturbation'),
    burnIn: numberField('burnIn'),
  };
  for (const [k, v] of Object.entries(params))
    if (k !== 'initialState' && !Number.isFinite(v as number)) return `${k} must be a number.`;
  return params;
}

function run(): void {
  if (!model || running) return;
  const params = readParams(model);
  if (typeof params === 'string') {
    setStatus(params, 'error');
    return;
  }
  runClickedAt = performance.now();
  firstDrawMs = undefined;
  byId('status').removeAttribute('data-first-draw-ms');
  setRunning(true);
  setStatus('Starting…');
  vscode.postMessage({ type: 'run', params });
}

function exportPng(): void {
  // The phase plot is drawn again first, so the copy is of this frame whatever the renderer.
  drawPhasePlot();
  const canvases = [
    phaseView?.snapshot() ?? byId<HTMLCanvasElement>('phase'),
    ...(seriesPlots?.canvases() ?? []),
    ...(spectrumPlot?.canvases() ?? []),
  ];
  const width = Math.max(...canvases.map((c) => c.width));
  const height = canvases.reduce((s, c) => s + c.height, 0);
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, width, height);
  let y = 0;
  for (const c of canvases) {
    ctx.drawImage(c, 0, y);
    y += c.height;
  }
  vscode.postMessage({ type: 'exportPng', dataUrl: out.toDataURL('image/png') });
}

/**
 * While a run streams chunks, redraw at most once per four times the last frame's cost: on a slow renderer
 * (software WebGL, a large ensemble) drawing every chunk would take the whole frame budget, and the Cancel click
 * would wait behind the frames. A finished run, a turn or a resize draws at the next frame.
 */
function schedule(): void {
  if (frame) return;
  // The run's first points are drawn at once: the budget is for the frames after them.
  const wait = running && firstDrawMs !== undefined ? drawnAt + 3 * drawCost - performance.now() : 0;
  if (wait > 0) {
    drawTimer ??= setTimeout(() => {
      drawTimer = undefined;
      schedule();
    }, wait);
    return;
  }
  if (drawTimer) clearTimeout(drawTimer);
  drawTimer = undefined;
  frame = requestAnimationFrame(draw);
}

function schedulePhase(): void {
  if (!frame && !phaseFrame) phaseFrame = requestAnimationFrame(drawPhasePlot);
}

function currentTrajectory(m: PreviewModel): RunBuffer {
  return (
    traj ?? {
      data: new Float32Array(0),
      members: 1,
      width: m.width,
      rows: 0,
      burnIn: 0,
      timeStep: 1,
      names: m.stateNames,
    }
  );
}

/**
 * Colours the 3D view by the analysis's subregions while the run analysed is shown, or goes back to the user's
 * colour-by choice; the index is built once per analysis, trajectory and theme. Returns the rows coloured.
 */
function applyRegionColours(t: RunBuffer): number {
  const colours = analysis?.rowColours();
  if (!colours || !phaseView || t.rows === 0) {
    if (regionColouring) phaseView?.setColouring(undefined);
    regionColouring = undefined;
    return 0;
  }
  const palette = regionPalette(theme);
  const key = palette.join(' ');
  if (regionColouring?.colours !== colours || regionColouring.data !== t.data || regionColouring.palette !== key) {
    const { index, rows } = regionIndex(colours, t.data.length / (t.members * t.width), t.members);
    phaseView.setColouring(index, palette);
    regionColouring = { colours, data: t.data, palette: key, rows };
  }
  return regionColouring.rows;
}

/** The phase plot and the cursor's mark on it; returns what was drawn. */
function drawPhasePlot(): PlotResult | undefined {
  phaseFrame = 0;
  if (!model || !phaseView) return undefined;
  const t = currentTrajectory(model);
  const overlay = showReference ? reference : undefined;
  const phaseCanvas = byId<HTMLCanvasElement>('phase');
  phaseView.measuring = document.body.hasAttribute('data-measure-frames');
  const regionRows = applyRegionColours(t);
  const started = performance.now();
  const phase = phaseView.draw(t, view, theme, overlay, turning || running);
  // Each frame as "ms/points drawn" (fewer points than the run has: a thinned interactive frame).
  frameTimes.push(`${(performance.now() - started).toFixed(2)}/${phase.points}`);
  if (frameTimes.length > 200) frameTimes.splice(0, frameTimes.length - 200);
  phaseCanvas.setAttribute('data-frame-ms', frameTimes.join(' '));
  phaseCanvas.setAttribute('data-frame-count', String(++framesDrawn));
  phaseCanvas.setAttribute('data-renderer', phase.projection === '2d' ? 'canvas' : phaseView.renderer);
  phaseCanvas.setAttribute('data-gpu-bytes', String(phaseView.gpuBytes));
  phaseCanvas.setAttribute('data-points', String(phase.points));
  phaseCanvas.setAttribute('data-reference-points', String(phase.referencePoints));
  phaseCanvas.setAttribute('data-projection', phase.projection);
  if (phase.layout) phaseCanvas.setAttribute('data-layout', JSON.stringify(phase.layout));
  else phaseCanvas.removeAttribute('data-layout');
  if (phase.fixedPoint) phaseCanvas.setAttribute('data-fixed-point', JSON.stringify(phase.fixedPoint));
  else phaseCanvas.removeAttribute('data-fixed-point');
  lastPhase = phase;
  drawMarker();
  // Both renderers draw the subregion colours; colour by time is WebGL's (the canvas renderer colours by member).
  const coloured = phase.points > 0 ? regionRows : 0;
  const colouredBy = phase.projection === '3d' && phaseView.renderer === 'webgl' ? colourBy : 'member';
  phaseCanvas.setAttribute('data-colouring', coloured ? 'regions' : colouredBy);
  analysis?.draw(phase, phaseCanvas, theme, coloured);
  return phase;
}

function draw(): void {
  frame = 0;
  if (phaseFrame) cancelAnimationFrame(phaseFrame);
  if (!model) return;
  const started = performance.now();
  drawAll(model);
  drawnAt = performance.now();
  drawCost = drawnAt - started;
}

function drawAll(model: PreviewModel): void {
  const t = currentTrajectory(model);
  const overlay = showReference ? reference : undefined;
  const seriesCanvas = byId('series');
  const phase = drawPhasePlot()!;
  if (phase.points > 0 && firstDrawMs === undefined && runClickedAt > 0) {
    // The run's first points are on screen as soon as this frame is shown: the time series and the spectrum
    // (uPlot charts built anew for the run's shape) follow in the next frame rather than hold this one up.
    firstDrawMs = performance.now() - runClickedAt;
    byId('status').setAttribute('data-first-draw-ms', firstDrawMs.toFixed(0));
    frame = requestAnimationFrame(draw);
    return;
  }
  const series = seriesPlots!.update(t, overlay);
  seriesCanvas.setAttribute('data-reference-points', String(series.referencePoints));
  seriesCanvas.setAttribute('data-plot-left', String(series.plotLeft));
  if (series.time) {
    seriesCanvas.setAttribute('data-t-start', String(series.time.start));
    seriesCanvas.setAttribute('data-t-end', String(series.time.end));
  } else {
    seriesCanvas.removeAttribute('data-t-start');
    seriesCanvas.removeAttribute('data-t-end');
  }
  const note = byId('phase-note');
  const notes: string[] = [];
  if (shownBeforeBurnIn) notes.push(shownBeforeBurnIn);
  if (phase.fixedPoint) notes.push(`The run settled on a fixed point: ${formatPoint(phase.fixedPoint)}.`);
  note.textContent = notes.join(' ');
  note.hidden = notes.length === 0;
  const now = performance.now();
  if (traj && (!running || now - lastSpectrum > 750)) {
    spectrum = powerSpectrum(traj, Math.min(traj.width, MAX_LANES));
    lastSpectrum = now;
  }
  spectrumPlot!.update(traj ? spectrum : undefined, t.names);
}

/** The 3D view's mark of the time under the time-series cursor: an overlay, so moving it redraws nothing else. */
function drawMarker(): void {
  const canvas = document.getElementById('phase-marker') as HTMLCanvasElement | null;
  const phase = document.getElementById('phase');
  if (!canvas || !phase) return;
  const ratio = window.devicePixelRatio || 1;
  const w = phase.clientWidth;
  const h = phase.clientHeight;
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const at = cursorRow === undefined ? undefined : lastPhase?.locate?.(cursorRow);
  canvas.toggleAttribute('data-marked', at !== undefined);
  if (!at) return;
  ctx.strokeStyle = theme.foreground;
  ctx.fillStyle = theme.series[3] ?? theme.foreground;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.arc(at[0], at[1], 5, 0, 2 * Math.PI);
  ctx.fill();
  ctx.stroke();
}

/** Swatches for the model and the truth, with a checkbox that hides or shows the truth. */
function showLegend(ref: ReferenceTrack | undefined): void {
  const legend = byId('legend');
  if (!ref) {
    legend.hidden = true;
    legend.replaceChildren();
    return;
  }
  const swatch = (colour: string, dashed: boolean) => {
    const s = el('span', { class: `swatch${dashed ? ' dashed' : ''}`, 'aria-hidden': 'true' });
    s.style.borderTopColor = colour;
    return s;
  };
  const modelEntry = el('span', { class: 'legend-entry' });
  modelEntry.append(
    swatch(theme.series[0], false),
    el('span', {}, traj && traj.members > 1 ? 'model (ensemble)' : 'model'),
  );
  const toggle = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  toggle.id = 'show-reference';
  toggle.checked = showReference;
  if (showReference) toggle.setAttribute('checked', '');
  toggle.setAttribute('aria-label', `Show ${ref.label}`);
  toggle.addEventListener('change', () => {
    showReference = toggle.checked;
    schedule();
  });
  const truthEntry = el('span', { class: 'legend-entry' });
  const comps = ref.width < (model?.width ?? ref.width) ? ` (first ${ref.width} components)` : '';
  truthEntry.append(
    toggle,
    swatch(theme.reference, true),
    el('span', { id: 'reference-label' }, `truth: ${ref.label}${comps}`),
  );
  legend.replaceChildren(modelEntry, truthEntry);
  legend.hidden = false;
}

function showMetrics(table: MetricsTable): void {
  const section = byId('metrics');
  const t = el('table', { class: 'grid' });
  const head = el('tr');
  for (const h of ['metric', 'model', 'reference', '']) head.append(el('th', {}, h));
  t.append(head);
  for (const r of table.rows) {
    const tr = el('tr');
    tr.append(
      r.tooltip ? el('td', { title: r.tooltip }, r.name) : el('td', {}, r.name),
      el('td', {}, r.value),
      el('td', {}, r.reference ?? ''),
      el('td', { class: 'muted' }, r.note ?? ''),
    );
    t.append(tr);
  }
  section.replaceChildren(el('h2', {}, table.title), t);
  if (table.note) section.append(el('p', { class: 'muted' }, table.note));
  section.hidden = false;
}

function showFatal(message: string, problem: string): void {
  const existing = document.getElementById('status');
  if (existing && model) {
    setStatus(message, 'error');
    setRunning(false);
    return;
  }
  // The model never loaded: a page that says which file and why, not a lone red line.
  const header = el('header', { class: 'preview-header' });
  header.append(el('h1', {}, document.title.replace(/^Preview: /, '')));
  const heading =
    problem === 'signature'
      ? 'Attractor cannot preview this model'
      : problem === 'missing'
        ? 'The model file is gone'
        : 'This file cannot be previewed';
  const section = el('section', { class: 'recognition unsupported', 'aria-label': 'Why there is no preview' });
  section.append(el('h2', {}, heading), el('p', { id: 'status', class: 'status error', role: 'alert' }, message));
  root.replaceChildren(header, section);
  root.setAttribute('aria-busy', 'false');
}

/**
 * A run that stopped (diverged) before its burn-in ended would show nothing: show the steps it computed, and say
 * so, rather than an empty plot and a time axis running backwards.
 */
function showBeforeBurnIn(): void {
  if (!traj || traj.rows === 0 || traj.rows > traj.burnIn) return;
  shownBeforeBurnIn = `The run stopped after ${traj.rows.toLocaleString('en-US')} steps, inside the burn-in of ${traj.burnIn.toLocaleString('en-US')}: the plots show the steps computed before it stopped.`;
  traj = { ...traj, burnIn: 0 };
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseHostToPreview(event.data);
  if (!message) return;
  switch (message.type) {
    case 'init':
      render(message.model);
      return;
    case 'runStarted': {
      traj = {
        runId: message.runId,
        steps: message.steps,
        data: new Float32Array(message.steps * message.members * message.width),
        members: message.members,
        width: message.width,
        rows: 0,
        burnIn: message.burnIn,
        timeStep: message.timeStep,
        names: model?.stateNames ?? [],
      };
      spectrum = undefined;
      shownBeforeBurnIn = undefined;
      analysis?.runStarted();
      reference = undefined;
      showLegend(undefined);
      byId('metrics').hidden = true;
      setStatus(`Running ${message.steps.toLocaleString('en-US')} steps…`);
      schedule();
      return;
    }
    case 'chunk': {
      if (!traj || message.runId !== traj.runId) return;
      traj.data.set(message.data, message.start * traj.members * traj.width);
      traj.rows = message.start + message.steps;
      (byId('progress') as HTMLProgressElement).value = traj.rows / traj.steps;
      setStatus(`${traj.rows.toLocaleString('en-US')} of ${traj.steps.toLocaleString('en-US')} steps…`);
      schedule();
      return;
    }
    case 'runFinished':
      if (traj && message.runId !== traj.runId) return;
      setRunning(false);
      setStatus(`Done: ${message.summary}`, 'done');
      lastSpectrum = 0;
      schedule();
      return;
    case 'runFailed':
      if (message.runId !== null && traj && message.runId !== traj.runId) return;
      if (model) setRunning(false);
      if (message.problem === 'cancelled') setStatus(message.message, 'info');
      else showFatal(message.message, message.problem);
      showBeforeBurnIn();
      byId('status')?.setAttribute('data-problem', message.problem);
      if (message.step !== undefined) byId('status')?.setAttribute('data-step', String(message.step));
      schedule();
      return;
    case 'metrics':
      if (!traj || message.runId !== traj.runId) return;
      showMetrics(message.table);
      reference = message.reference;
      showLegend(reference);
      schedule();
      return;
    case 'notice':
      setStatus(message.message);
      return;
    case 'analysisStarted':
    case 'analysisProgress':
    case 'analysis':
    case 'analysisFailed':
      analysis?.handle(message);
      return;
    case 'dataChosen': {
      const { data: _previous, ...rest } = vscode.getState() ?? { file: model?.file ?? '' };
      vscode.setState(message.saved ? { ...rest, data: message.saved } : rest);
      const clear = document.getElementById('clear-data');
      const label = document.getElementById('data-label');
      if (clear) clear.hidden = message.label === null;
      if (label) label.textContent = message.label === null ? '' : `Metrics and overlay against ${message.label}`;
      return;
    }
  }
});

// Follow theme changes (VS Code swaps the body's classes) and resizes.
new MutationObserver(() => {
  theme = readTheme();
  seriesPlots?.setTheme(theme);
  spectrumPlot?.setTheme(theme);
  if (reference) showLegend(reference);
  schedule();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });
new ResizeObserver(() => {
  seriesPlots?.resize();
  spectrumPlot?.resize();
  schedule();
}).observe(document.body);

vscode.postMessage({ type: 'ready' });
