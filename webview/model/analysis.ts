/**
 * The preview's "Analyse dynamics" section: Analyse / Cancel / Copy as Markdown, progress, the table of fixed
 * points and cycles (coordinates, eigenvalues or multipliers, type, unstable dimensions, residual, symbolic code),
 * the model's Lyapunov spectrum and D_KY beside the true system's, the notes under them, and an overlay canvas over the 3D projection with the points as markers. The overlay draws
 * through the renderer's `place` (where a state is drawn), so it does not depend on how the projection itself is
 * drawn. The run's rows coloured by linear subregion are the 3D view's own per-point colouring (`rowColours`, drawn
 * by the preview through PhaseView.setColouring), until the next run. The view is kept in the webview's state (a
 * reload shows it again). Text only: no HTML from the host is inserted.
 */
import type {
  AnalysisToHost,
  AnalysisToPreview,
  AnalysisView,
  RowColours,
} from '../../src/models/insight/analysisProtocol';
import { parseAnalysisView, REGION_PALETTE } from '../../src/models/insight/analysisProtocol';
import type { PlotResult } from './plots';
import { regionPalette } from './regionColours';
import type { Theme } from './theme';
import { button, el } from './dom';

export interface AnalysisHost {
  post(message: AnalysisToHost): void;
  /** Saves (or with undefined drops) the view in the webview's state. */
  save(view: AnalysisView | undefined): void;
  /** The view saved before a reload, unvalidated. */
  saved(): unknown;
}

export class AnalysisSection {
  readonly section: HTMLElement;
  private readonly overlay: HTMLCanvasElement;
  private view: AnalysisView | undefined;
  private running = false;
  /** The subregion colours belong to the run that was analysed: a new run drops them. */
  private coloursOfRun = false;

  constructor(
    private readonly host: AnalysisHost,
    file: string,
    /** Whether the plotted values are the state's first components (markers can be placed), not an observation. */
    private readonly plotsState: boolean,
    phaseBox: HTMLElement,
    private readonly redraw: () => void,
  ) {
    this.section = el('section', { id: 'analysis', class: 'analysis', 'aria-label': 'Dynamics analysis' });
    const head = el('div', { class: 'plot-head' });
    head.append(el('h2', {}, 'Analyse dynamics'));
    const actions = el('div', { class: 'actions' });
    actions.append(
      button('analyse', 'Analyse', false),
      button('analyse-cancel', 'Cancel'),
      button('analysis-copy', 'Copy as Markdown'),
    );
    head.append(actions);
    const progress = el('progress', {
      id: 'analysis-progress',
      max: '1',
      value: '0',
      'aria-label': 'Analysis progress',
    });
    progress.hidden = true;
    const status = el(
      'p',
      { id: 'analysis-status', class: 'status', role: 'status', 'aria-live': 'polite' },
      'Fixed points, cycles up to period 8 (maps) and their stability; linear subregions of PLRNNs.',
    );
    const body = el('div', { id: 'analysis-body' });
    this.section.append(head, progress, status, body);
    this.overlay = el('canvas', { id: 'analysis-overlay', class: 'phase-marker', 'aria-hidden': 'true' });
    phaseBox.append(this.overlay);
    this.section.querySelector('#analyse')!.addEventListener('click', () => this.host.post({ type: 'analyse' }));
    this.section
      .querySelector('#analyse-cancel')!
      .addEventListener('click', () => this.host.post({ type: 'cancelAnalysis' }));
    this.section.querySelector('#analysis-copy')!.addEventListener('click', () => {
      if (this.view) this.host.post({ type: 'copyAnalysis', markdown: this.view.markdown });
    });
    this.setRunning(false);
    const saved = parseAnalysisView(this.host.saved());
    if (saved && saved.file === file) this.show(saved, false);
  }

  private byId<T extends HTMLElement>(id: string): T {
    return this.section.querySelector(`#${id}`) as T;
  }

  private setRunning(on: boolean): void {
    this.running = on;
    this.byId('analyse').toggleAttribute('disabled', on);
    this.byId('analyse-cancel').toggleAttribute('disabled', !on);
    this.byId('analysis-copy').toggleAttribute('disabled', on || !this.view);
    this.byId('analysis-progress').hidden = !on;
    this.section.setAttribute('aria-busy', String(on));
  }

  private status(text: string, kind: 'info' | 'error' | 'done' = 'info'): void {
    const s = this.byId('analysis-status');
    s.textContent = text;
    s.className = `status ${kind}`;
  }

  handle(message: AnalysisToPreview): void {
    switch (message.type) {
      case 'analysisStarted':
        this.setRunning(true);
        (this.byId('analysis-progress') as HTMLProgressElement).value = 0;
        this.status('Analysing…');
        return;
      case 'analysisProgress':
        (this.byId('analysis-progress') as HTMLProgressElement).value = message.fraction;
        this.status(message.message);
        return;
      case 'analysisFailed':
        if (message.stale) {
          if (!this.view) return;
          this.drop();
        }
        this.setRunning(false);
        this.status(message.message, message.message.startsWith('Analysis cancelled') ? 'info' : 'error');
        return;
      case 'analysis':
        this.show(message.view, true);
        return;
    }
  }

  /** The file changed since the view shown was made: forget it here and in the saved state. */
  private drop(): void {
    this.view = undefined;
    this.host.save(undefined);
    this.byId('analysis-body').replaceChildren();
    this.section.dataset.points = '0';
    this.section.dataset.regions = '0';
    delete this.section.dataset.method;
    this.redraw();
  }

  private show(view: AnalysisView, fresh: boolean): void {
    this.view = view;
    this.coloursOfRun = fresh;
    if (fresh) this.host.save(view);
    this.setRunning(false);
    const found = view.markers.length;
    this.status(
      `${found === 0 ? 'No fixed point or cycle found' : `${view.rows.length} point${view.rows.length === 1 ? '' : 's'} found`} in ${(view.elapsedMs / 1000).toFixed(1)} s.`,
      'done',
    );
    const table = el('table', { class: 'grid', id: 'analysis-table' });
    const head = el('tr');
    for (const h of ['point', 'coordinates', view.valuesLabel, 'type', 'unstable dims', 'residual', 'symbolic code'])
      head.append(el('th', {}, h));
    table.append(head);
    for (const r of view.rows) {
      const tr = el('tr');
      for (const v of [r.what, r.coordinates, r.eigenvalues, r.type, r.unstable, r.residual, r.code]) {
        const td = el('td', {}, v);
        if (v === r.code && v.length > 16) td.className = 'code';
        tr.append(td);
      }
      table.append(tr);
    }
    const body = this.byId('analysis-body');
    const parts: HTMLElement[] = [table, el('p', { class: 'muted', id: 'analysis-method' }, view.note)];
    if (view.spectrum) {
      // the model's exponents and D_KY in one column, the true system's beside them
      const spectrum = el('table', { class: 'grid', id: 'analysis-spectrum' });
      const header = el('tr');
      for (const c of view.spectrum.columns) header.append(el('th', {}, c));
      spectrum.append(header);
      for (const r of view.spectrum.rows) {
        const tr = el('tr');
        tr.append(el('th', { scope: 'row' }, r.name), el('td', {}, r.model), el('td', {}, r.system));
        spectrum.append(tr);
      }
      parts.push(spectrum);
    }
    for (const line of view.lines) parts.push(el('p', { class: 'analysis-line' }, line.replace(/`/g, '')));
    if (view.regions) {
      const list = el('ol', { id: 'analysis-regions', class: 'regions' });
      view.regions.top.forEach((r, i) => {
        const li = el('li');
        if (i < REGION_PALETTE) {
          const sw = el('span', { class: 'swatch', 'aria-hidden': 'true' });
          sw.dataset.palette = String(i);
          li.append(sw);
        }
        li.append(el('code', {}, r.code), document.createTextNode(` ${r.visits.toLocaleString('en-US')} visits`));
        list.append(li);
      });
      parts.push(
        el('h3', {}, `Subregions visited: ${view.regions.total.toLocaleString('en-US')} (most visited first)`),
        list,
      );
    }
    body.replaceChildren(...parts);
    this.section.dataset.points = String(found);
    this.section.dataset.method = view.method;
    this.section.dataset.regions = String(view.regions?.total ?? 0);
    this.redraw();
  }

  /** The run's rows coloured by subregion, while the run analysed is the one shown. */
  rowColours(): RowColours | undefined {
    return this.coloursOfRun ? this.view?.colours : undefined;
  }

  /** A new run started: its rows are not the ones analysed. */
  runStarted(): void {
    this.coloursOfRun = false;
  }

  /**
   * Redraws the overlay after the projection was drawn (rotation, zoom, new rows, theme); `coloured`: the run's rows
   * the projection coloured by subregion.
   */
  draw(phase: PlotResult | undefined, phaseCanvas: HTMLElement, theme: Theme, coloured: number): void {
    const canvas = this.overlay;
    const ratio = window.devicePixelRatio || 1;
    const w = phaseCanvas.clientWidth;
    const h = phaseCanvas.clientHeight;
    if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
      canvas.width = Math.round(w * ratio);
      canvas.height = Math.round(h * ratio);
    }
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const v = this.view;
    let markers = 0;
    if (v && phase) {
      const colours = regionPalette(theme);
      // swatches in the regions list follow the theme
      this.section.querySelectorAll<HTMLElement>('.swatch[data-palette]').forEach((s) => {
        s.style.background = colours[Number(s.dataset.palette)] ?? theme.muted;
      });
      if (this.plotsState && phase.place) {
        ctx.font = theme.font;
        for (const m of v.markers) {
          for (const x of m.orbit) {
            const at = phase.place(x);
            if (!at || !at.every(Number.isFinite)) continue;
            ctx.lineWidth = 2;
            ctx.strokeStyle = theme.foreground;
            ctx.fillStyle = m.stable ? theme.foreground : theme.background;
            ctx.beginPath();
            if (m.period === 1) ctx.arc(at[0], at[1], 6, 0, 2 * Math.PI);
            else ctx.rect(at[0] - 5, at[1] - 5, 10, 10);
            ctx.fill();
            ctx.stroke();
            markers++;
          }
        }
      }
    }
    canvas.dataset.markers = String(markers);
    canvas.dataset.coloured = String(coloured);
  }

  get busy(): boolean {
    return this.running;
  }
}
