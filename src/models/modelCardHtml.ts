/**
 * The model card: what an .onnx file is, as HTML for the read-only custom editor. Everything from the file
 * (names, doc strings, metadata) is escaped.
 */
import type { ModelFileError } from './modelErrors';
import type { ModelInfo, TensorInfo } from './onnxFile';
import { describeShape, METADATA_KEYS, type Recognition } from './signature';
import { countText } from '../core/countText';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

const KIND_WORDS = {
  map: 'a map x_t → x_{t+1}',
  flow: 'a flow x → dx/dt (integrated with RK4)',
  rollout: 'a rollout (x0, steps) → trajectory',
} as const;

function row(label: string, value: string): string {
  return `<tr><th scope="row">${escapeHtml(label)}</th><td>${value}</td></tr>`;
}

function tensorRows(ts: readonly TensorInfo[]): string {
  if (ts.length === 0) return '<p class="muted">none</p>';
  const body = ts
    .map(
      (t) =>
        `<tr><td><code>${escapeHtml(t.name)}</code></td><td><code>${escapeHtml(describeShape(t))}</code></td></tr>`,
    )
    .join('');
  return `<table class="grid"><thead><tr><th>name</th><th>type and shape</th></tr></thead><tbody>${body}</tbody></table>`;
}

function recognitionSection(r: Recognition): string {
  if (!r.ok) {
    return `<section class="recognition unsupported" aria-label="Recognised as">
      <h2>Attractor cannot preview this model</h2>
      <p class="reason">${escapeHtml(r.reason)}</p>
    </section>`;
  }
  const s = r.signature;
  if (s.ambiguous && s.source === 'shapes') {
    // The shapes fit a map and a flow alike: saying "Recognised as a map" before the user answered is a guess.
    return `<section class="recognition undecided" aria-label="Recognised as">
    <h2>Undecided: a map x_t → x_{t+1} or a flow x → dx/dt</h2>
    <p>Its shapes fit both (state <code>${escapeHtml(s.stateInput)}</code> → <code>${escapeHtml(s.stateOutput)}</code>, d = ${s.dim}, ${escapeHtml(s.elemType)}); the first preview asks which it is and remembers the answer for this file. The metadata property <code>dynamics.kind</code> (map or flow) says it in the file.</p>
    <div class="actions"><vscode-button id="preview">Preview</vscode-button>
    <vscode-button id="reveal" secondary>Reveal in Explorer</vscode-button></div>
  </section>`;
  }
  const source =
    s.source === 'metadata'
      ? 'from its <code>dynamics.kind</code> metadata'
      : s.source === 'answer'
        ? 'as you chose for this file'
        : 'from its shapes';
  const extra = [
    `state <code>${escapeHtml(s.stateInput)}</code> → <code>${escapeHtml(s.stateOutput)}</code>, d = ${s.dim}, ${escapeHtml(s.elemType)}`,
    s.batch === 'none'
      ? 'no batch axis'
      : s.batch === 'symbolic'
        ? 'dynamic batch axis (ensembles run together)'
        : `fixed batch ${s.batch}`,
  ];
  if (s.observationOutput)
    extra.push(`plots the output <code>${escapeHtml(s.observationOutput)}</code> (${s.observationDim} values)`);
  if (s.metadata.observed) extra.push(`plots the first ${s.metadata.observed} state components`);
  if (s.stepsInput)
    extra.push(
      `steps input <code>${escapeHtml(s.stepsInput)}</code>${s.dtInput ? `, dt input <code>${escapeHtml(s.dtInput)}</code>` : ''}`,
    );
  return `<section class="recognition" aria-label="Recognised as">
    <h2>Recognised as ${escapeHtml(KIND_WORDS[s.kind])}</h2>
    <p>${source}; ${extra.join('; ')}.</p>
    <div class="actions"><vscode-button id="preview">Preview</vscode-button>
    <vscode-button id="reveal" secondary>Reveal in Explorer</vscode-button></div>
  </section>`;
}

/** The paper a model belongs to, shown as a link under the card's title. */
export interface CardPaper {
  readonly title: string;
  readonly detail?: string;
}

function paperSection(paper: CardPaper | undefined): string {
  if (!paper) return '';
  return `<section class="paper-link" aria-label="Paper"><h2>Paper</h2>
    <p><a href="#" id="open-paper" role="button" title="Open the paper's abstract">${escapeHtml(paper.title)}</a>${paper.detail ? ` <span class="muted">— ${escapeHtml(paper.detail)}</span>` : ''}</p>
  </section>`;
}

/** Every metadata property Attractor reads, for the card of a file that has none. */
const READ_KEYS = Object.values(METADATA_KEYS)
  .map((k) => `<code>${k}</code>`)
  .join(', ');

/**
 * `docHtml` is the file's doc string already rendered as Markdown (the zoo writes its card there) by the
 * project's renderer; without it the doc string is shown as escaped text.
 */
export function renderModelCard(
  fileName: string,
  info: ModelInfo,
  recognition: Recognition,
  paper?: CardPaper,
  docHtml?: string,
): string {
  const ops = Object.entries(info.opCounts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([op, n]) => `<li><code>${escapeHtml(op)}</code> × ${n}</li>`)
    .join('');
  const metadata = Object.entries(info.metadata);
  const metadataRows = metadata.length
    ? `<table class="grid"><tbody>${metadata.map(([k, v]) => `<tr><th scope="row"><code>${escapeHtml(k)}</code></th><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>`
    : `<p class="muted">none (Attractor reads ${READ_KEYS})</p>`;
  const problems = (recognition.ok ? recognition.signature.metadata : recognition.metadata).problems
    .map((p) => `<li>${escapeHtml(p)}</li>`)
    .join('');
  const opsets = info.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ');
  return `<main class="model-card">
  <header><h1>${escapeHtml(fileName)}</h1>${docSection(info.docString, docHtml)}</header>
  ${paperSection(paper)}
  ${recognitionSection(recognition)}
  <section aria-label="File"><h2>File</h2><table class="facts"><tbody>
    ${row('Size', formatBytes(info.sizeBytes))}
    ${row('IR version', String(info.irVersion))}
    ${row('Opset imports', escapeHtml(opsets))}
    ${row('Producer', escapeHtml([info.producerName, info.producerVersion].filter(Boolean).join(' ') || 'unknown'))}
    ${row('Graph', escapeHtml(info.graphName || '(unnamed)'))}
    ${row('Parameters', `${countText(info.parameterCount)} in ${info.initializerCount} initializers${info.usesExternalData ? ' (some stored in external files)' : ''}`)}
    ${row('Nodes', `${info.nodeCount}${info.subgraphNodeCount ? ` (+ ${info.subgraphNodeCount} in subgraphs)` : ''}`)}
  </tbody></table></section>
  <section aria-label="Inputs"><h2>Inputs</h2>${tensorRows(info.inputs)}</section>
  <section aria-label="Outputs"><h2>Outputs</h2>${tensorRows(info.outputs)}</section>
  <section aria-label="Metadata"><h2>Metadata</h2>${metadataRows}${problems ? `<ul class="problems">${problems}</ul>` : ''}</section>
  <section aria-label="Operators"><h2>Operators</h2><ul class="ops">${ops}</ul>${info.customOps.length ? `<p class="muted">Custom-domain operators: ${escapeHtml(info.customOps.join(', '))}</p>` : ''}</section>
</main>`;
}

function docSection(docString: string, docHtml: string | undefined): string {
  if (!docString) return '';
  if (docHtml !== undefined) return `<div class="doc markdown-body">${docHtml}</div>`;
  return `<p class="doc">${escapeHtml(docString)}</p>`;
}

export function renderCardError(fileName: string, err: ModelFileError | Error): string {
  return `<main class="model-card"><header><h1>${escapeHtml(fileName)}</h1></header>
  <section class="recognition unsupported" role="alert"><h2>This file cannot be read as an ONNX model</h2>
  <p class="reason">${escapeHtml(err.message)}</p></section></main>`;
}
