import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { pdfjsLib } from './pdfjsGlobal';
import {
  EventBus,
  FindState,
  PDFFindController,
  PDFLinkService,
  PDFViewer,
} from 'pdfjs-dist/legacy/web/pdf_viewer.mjs';
import {
  collapseWhitespace,
  MAX_PDF_SELECTION_CHARS,
  parsePdfEditorState,
  parsePdfHostMessage,
  spansHoldingQuote,
  type PdfEditorState,
  type PdfHighlight,
  type PdfWebviewToHost,
} from '../../src/pdf/pdfProtocol';
import { vscodeApi } from '../paper/vscodeApi';

/**
 * Performance marks of the way to the first page (the script started, the bytes arrived, pdf.js's worker started,
 * the document parsed, the first page drawn): the UI test reads them for the time of each step.
 */
const mark = (step: string) => {
  const name = `attractor:pdf-${step}`;
  if (performance.getEntriesByName(name).length === 0) performance.mark(name);
};
mark('script');

const vscode = vscodeApi<PdfWebviewToHost, PdfEditorState>();
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
type TextField = HTMLElement & { value: string };

const container = byId<HTMLDivElement>('viewerContainer');
const pageField = byId<TextField>('page-number');
const pageCount = byId('page-count');
const zoomLabel = byId('zoom-level');
const findField = byId<TextField>('find-text');
const findStatus = byId('find-status');
const status = byId('status');
const annotateButton = byId('annotate-selection');

/** Where the extension's own files are served from (set by the host on the body): pdf.js's worker and fonts. */
const assets = byId('pdf-root').dataset.pdfjs ?? '';
const saved = parsePdfEditorState(vscode.getState());
let highlights: readonly PdfHighlight[] = [];
let canAnnotate = false;
let loaded = false;

const eventBus = new EventBus();
const linkService = new PDFLinkService({ eventBus });
const findController = new PDFFindController({ eventBus, linkService });
const viewer = new PDFViewer({
  container,
  eventBus,
  linkService,
  findController,
  // No annotation layer: links and forms would need the annotation CSS and scripting; the text layer is kept.
  annotationMode: pdfjsLib.AnnotationMode.DISABLE,
  removePageBorders: false,
});
linkService.setViewer(viewer);

/**
 * pdf.js's worker, started from a blob of its own source: a webview may not start a worker from its resource
 * origin, and the blob keeps it the extension's file (fetched from dist/webview/pdfjs/, nothing else).
 */
async function startWorker(): Promise<Worker> {
  const source = await (await fetch(`${assets}/pdf.worker.mjs`)).blob();
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  return new Worker(url, { type: 'module' });
}

function setStatus(message: string): void {
  status.textContent = message;
}

function saveState(): void {
  if (!loaded) return;
  vscode.setState({ page: viewer.currentPageNumber, scale: viewer.currentScale });
}

async function open(data: Uint8Array): Promise<void> {
  setStatus('Opening…');
  pdfjsLib.GlobalWorkerOptions.workerPort = await startWorker();
  mark('worker');
  const task = pdfjsLib.getDocument({
    data,
    // No code generated from the PDF (PostScript functions): the CSP forbids eval, and so do we.
    isEvalSupported: false,
    // Fonts a PDF names without embedding them (Helvetica, Times…) come from the extension's copy.
    standardFontDataUrl: `${assets}/standard_fonts/`,
    cMapUrl: `${assets}/cmaps/`,
    cMapPacked: true,
    enableXfa: false,
  });
  const pdf = await task.promise;
  mark('document');
  viewer.setDocument(pdf);
  linkService.setDocument(pdf);
  pageCount.textContent = `of ${pdf.numPages}`;
  loaded = true;
  setStatus('');
}

function applySaved(): void {
  viewer.currentScaleValue = saved?.scale ? String(saved.scale) : 'page-width';
  if (saved && saved.page <= viewer.pagesCount) viewer.currentPageNumber = saved.page;
  showZoom();
  pageField.value = String(viewer.currentPageNumber);
}

function showZoom(): void {
  zoomLabel.textContent = `${Math.round(viewer.currentScale * 100)}%`;
}

/** The leaf spans of a page's text layer, in reading order: what pdf.js drew each run of text as. */
function textSpans(pageNumber: number): HTMLElement[] {
  const layer = container.querySelector(`.page[data-page-number="${pageNumber}"] .textLayer`);
  if (!layer) return [];
  return Array.from(layer.querySelectorAll<HTMLElement>('span')).filter((s) => s.children.length === 0);
}

function markHighlights(pageNumber: number): void {
  const spans = textSpans(pageNumber);
  for (const s of spans) {
    s.classList.remove('attractor-highlight');
    s.removeAttribute('title');
  }
  const texts = spans.map((s) => s.textContent ?? '');
  for (const h of highlights.filter((x) => x.page === pageNumber)) {
    for (const i of spansHoldingQuote(texts, h.quote)) {
      spans[i].classList.add('attractor-highlight');
      spans[i].title = h.comment;
    }
  }
}

function pageOf(node: Node | null): number | undefined {
  const el = node instanceof Element ? node : node?.parentElement;
  const page = el?.closest<HTMLElement>('.page')?.dataset.pageNumber;
  return page ? Number(page) : undefined;
}

function sendSelection(): void {
  if (!canAnnotate) {
    setStatus('This PDF is not a paper of the library: open it with Open PDF on the paper to annotate it.');
    return;
  }
  const selection = document.getSelection();
  const text = selection && !selection.isCollapsed ? collapseWhitespace(selection.toString()) : '';
  const page = pageOf(selection?.anchorNode ?? null);
  if (!text || !page || !container.contains(selection?.anchorNode ?? null)) {
    setStatus('Select text on a page first, then choose Annotate Selection.');
    return;
  }
  if (text.length > MAX_PDF_SELECTION_CHARS) {
    setStatus(`The selection is over ${MAX_PDF_SELECTION_CHARS} characters; select a shorter passage.`);
    return;
  }
  vscode.postMessage({ type: 'annotateSelection', page, text });
}

function find(again: boolean, previous = false): void {
  const query = findField.value;
  if (!query) {
    findStatus.textContent = '';
    return;
  }
  eventBus.dispatch('find', {
    source: null,
    type: again ? 'again' : '',
    query,
    caseSensitive: false,
    entireWord: false,
    highlightAll: true,
    findPrevious: previous,
    matchDiacritics: false,
  });
}

function showMatches(state: number, current: number, total: number): void {
  if (state === FindState.PENDING) findStatus.textContent = 'Searching…';
  else if (state === FindState.NOT_FOUND || total === 0) findStatus.textContent = 'No results';
  else findStatus.textContent = `${current} of ${total}${state === FindState.WRAPPED ? ' (wrapped)' : ''}`;
}

eventBus.on('pagerendered', () => mark('first-page'));
eventBus.on('pagesinit', applySaved);
eventBus.on('pagechanging', (e: { pageNumber: number }) => {
  pageField.value = String(e.pageNumber);
  saveState();
});
eventBus.on('scalechanging', () => {
  showZoom();
  saveState();
});
eventBus.on('textlayerrendered', (e: { pageNumber: number }) => markHighlights(e.pageNumber));
eventBus.on('updatefindmatchescount', (e: { matchesCount: { current: number; total: number } }) =>
  showMatches(FindState.FOUND, e.matchesCount.current, e.matchesCount.total),
);
eventBus.on('updatefindcontrolstate', (e: { state: number; matchesCount: { current: number; total: number } }) =>
  showMatches(e.state, e.matchesCount.current, e.matchesCount.total),
);

const onClick = (id: string, action: () => void) => {
  const el = byId(id);
  // Keep the text selection when a button is pressed (Annotate Selection needs it).
  el.addEventListener('mousedown', (e) => e.preventDefault());
  el.addEventListener('click', action);
};
onClick('previous-page', () => viewer.previousPage());
onClick('next-page', () => viewer.nextPage());
onClick('zoom-out', () => viewer.decreaseScale());
onClick('zoom-in', () => viewer.increaseScale());
onClick('zoom-fit', () => (viewer.currentScaleValue = 'page-width'));
onClick('find-previous', () => find(true, true));
onClick('find-next', () => find(true));
onClick('annotate-selection', sendSelection);
pageField.addEventListener('change', () => {
  const n = Number(pageField.value);
  if (Number.isInteger(n) && n >= 1 && n <= viewer.pagesCount) viewer.currentPageNumber = n;
  else pageField.value = String(viewer.currentPageNumber);
});
findField.addEventListener('input', () => find(false));
findField.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') find(true, e.shiftKey);
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parsePdfHostMessage(event.data);
  if (!message) {
    setStatus('The editor received a message it does not understand; reopen the file.');
    return;
  }
  switch (message.type) {
    case 'load':
      mark('bytes');
      highlights = message.highlights;
      canAnnotate = message.canAnnotate;
      annotateButton.toggleAttribute('disabled', !canAnnotate);
      open(message.data).catch((err: unknown) => {
        const text = err instanceof Error ? err.message : String(err);
        document.body.classList.add('failed');
        setStatus(`This file could not be opened as a PDF: ${text}`);
        vscode.postMessage({ type: 'failed', message: text });
      });
      return;
    case 'highlights':
      highlights = message.highlights;
      for (let n = 1; n <= viewer.pagesCount; n++) markHighlights(n);
      return;
    case 'status':
      setStatus(message.message);
      return;
    case 'requestSelection':
      sendSelection();
  }
});

vscode.postMessage({ type: 'ready' });
