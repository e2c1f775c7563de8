import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { CardToHost } from '../../src/models/previewProtocol';
import { vscodeApi } from '../paper/vscodeApi';

/** The model card is rendered by the host; this only wires its buttons. */
const vscode = vscodeApi<CardToHost, never>();
document.getElementById('preview')?.addEventListener('click', () => vscode.postMessage({ type: 'preview' }));
document.getElementById('reveal')?.addEventListener('click', () => vscode.postMessage({ type: 'reveal' }));
document.getElementById('open-paper')?.addEventListener('click', (event) => {
  event.preventDefault();
  vscode.postMessage({ type: 'openPaper' });
});
