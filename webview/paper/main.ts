import '@vscode-elements/elements/dist/vscode-button/index.js';
import {
  parseHostToPaperWebview,
  type PaperPanelState,
  type PaperView,
  type PaperWebviewToHost,
} from '../../src/papers/paperProtocol';
import { selectedPassage } from './selection';
import { vscodeApi } from './vscodeApi';

const vscode = vscodeApi<PaperWebviewToHost, PaperPanelState>();
const root = document.getElementById('paper') as HTMLElement;
let showOriginal = vscode.getState()?.showOriginal === true;
/** Sends the selected passage for annotation; set once a paper is rendered. */
let sendSelection: () => void = () => undefined;

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function button(label: string, icon: string, onClick: () => void, title?: string): HTMLElement {
  const b = document.createElement('vscode-button');
  b.setAttribute('secondary', '');
  b.setAttribute('icon', icon);
  if (title) b.title = title;
  b.textContent = label;
  // Keep the text selection when the button is pressed (Annotate Selection needs it).
  b.addEventListener('mousedown', (e) => e.preventDefault());
  b.addEventListener('click', onClick);
  return b;
}

function send(message: PaperWebviewToHost): () => void {
  return () => vscode.postMessage(message);
}

function render(paper: PaperView): void {
  const header = element('header', 'paper-header');
  header.append(
    element('h1', 'paper-title', paper.title),
    element('p', 'paper-meta', `${paper.authors} · ${paper.date}`),
  );

  const body = element('div', 'markdown-body');
  // Produced by the host's renderer: raw HTML from the source is escaped, KaTeX runs with trust: false.
  body.innerHTML = paper.abstractHtml;
  const original = element('pre', 'original-abstract', paper.originalAbstract);
  original.setAttribute('aria-label', 'The abstract as the source gave it');

  const status = element('p', 'status');
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');

  const toggle = button('', 'code', () => {
    showOriginal = !showOriginal;
    applyToggle();
    vscode.setState({ paperId: paper.id, showOriginal });
  });
  toggle.classList.add('toggle-original');
  sendSelection = () => {
    const text = selectedPassage(showOriginal ? original : body, document.getSelection());
    if (text) vscode.postMessage({ type: 'annotateSelection', text });
    else status.textContent = 'Select a passage of the abstract first, then choose Annotate Selection.';
  };
  const annotateSelection = button(
    'Annotate Selection',
    'comment-add',
    () => sendSelection(),
    'Comment on the selected passage in the paper’s note',
  );
  annotateSelection.classList.add('annotate-selection');

  function applyToggle(): void {
    body.hidden = showOriginal;
    original.hidden = !showOriginal;
    toggle.textContent = showOriginal ? 'Show Rendered' : 'Show Original';
    toggle.setAttribute('aria-pressed', String(showOriginal));
  }

  const arxivTitle = paper.hasArxivId ? 'Open the paper on arXiv' : 'Search arXiv for this title';
  const hfTitle = paper.hasArxivId ? 'Open the paper on Hugging Face' : 'Search Hugging Face for this title';
  const actions = element('div', 'paper-actions');
  actions.append(
    button('Annotate', 'edit', send({ type: 'annotate' }), 'Create or open the note about this paper'),
    annotateSelection,
    button('Copy Abstract', 'copy', send({ type: 'copyAbstract' }), 'Copy the abstract as Markdown with $…$ math'),
    button('Copy BibTeX', 'quote', send({ type: 'copyBibtex' })),
    button(paper.hasArxivId ? 'arXiv' : 'Find on arXiv', 'link-external', send({ type: 'openArxiv' }), arxivTitle),
    button(
      paper.hasArxivId ? 'Hugging Face' : 'Find on Hugging Face',
      'link-external',
      send({ type: 'openHuggingFace' }),
      hfTitle,
    ),
    toggle,
  );
  header.append(actions, status);

  const abstract = element('section', 'paper-abstract');
  abstract.setAttribute('aria-label', 'Abstract');
  // The panel's context menu offers Annotate Selection here (webview/context, webviewSection == abstract).
  abstract.dataset.vscodeContext = JSON.stringify({ webviewSection: 'abstract' });
  abstract.append(element('h2', 'section-title', 'Abstract'), body, original);
  applyToggle();

  root.replaceChildren(header, abstract);
  root.setAttribute('aria-busy', 'false');
  document.title = paper.title;
  vscode.setState({ paperId: paper.id, showOriginal });
}

function showStatus(message: string): void {
  const status = root.querySelector('.status');
  if (status) status.textContent = message;
}

function showError(message: string): void {
  root.replaceChildren(element('p', 'error', message));
  root.setAttribute('aria-busy', 'false');
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseHostToPaperWebview(event.data);
  if (!message) return;
  if (message.type === 'render') render(message.paper);
  else if (message.type === 'status') showStatus(message.message);
  else if (message.type === 'requestSelection') sendSelection();
  else showError(message.message);
});

vscode.postMessage({ type: 'ready' });
