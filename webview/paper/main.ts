import '@vscode-elements/elements/dist/vscode-button/index.js';
import {
  parseHostMessage,
  type PaperPanelState,
  type PaperView,
  type PaperWebviewToHost,
} from '../../src/panels/paperProtocol';
import { vscodeApi } from './vscodeApi';

const vscode = vscodeApi<PaperWebviewToHost, PaperPanelState>();
const root = document.getElementById('paper') as HTMLElement;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function button(label: string, icon: string, message: PaperWebviewToHost): HTMLElement {
  const b = document.createElement('vscode-button');
  b.setAttribute('secondary', '');
  b.setAttribute('icon', icon);
  b.textContent = label;
  b.addEventListener('click', () => vscode.postMessage(message));
  return b;
}

function render(paper: PaperView): void {
  const header = element('header', 'paper-header');
  header.append(element('h1', 'paper-title', paper.title), element('p', 'paper-meta', `${paper.authors} · ${paper.date}`));
  const actions = element('div', 'paper-actions');
  actions.append(button('Copy Abstract', 'copy', { type: 'copyAbstract' }), button('Find on arXiv', 'search', { type: 'searchArxiv' }));
  header.append(actions);

  const abstract = element('section', 'paper-abstract');
  abstract.setAttribute('aria-label', 'Abstract');
  abstract.append(element('h2', 'section-title', 'Abstract'));
  const body = element('div', 'markdown-body');
  // Produced by the host's renderer: raw HTML from the source is escaped, KaTeX runs with trust: false.
  body.innerHTML = paper.abstractHtml;
  abstract.append(body);

  root.replaceChildren(header, abstract);
  root.setAttribute('aria-busy', 'false');
  document.title = paper.title;
  vscode.setState({ paperId: paper.id });
}

function showError(message: string): void {
  root.replaceChildren(element('p', 'error', message));
  root.setAttribute('aria-busy', 'false');
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseHostMessage(event.data);
  if (!message) return;
  if (message.type === 'render') render(message.paper);
  else showError(message.message);
});

vscode.postMessage({ type: 'ready' });
