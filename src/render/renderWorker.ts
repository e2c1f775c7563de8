/**
 * The worker thread that renders untrusted Markdown with math (entry point `dist/renderWorker.js`). Loading
 * markdown-it and KaTeX happens here, before `ready`, so a render's time limit counts rendering only.
 */
import { parentPort } from 'node:worker_threads';
import { createAbstractRenderer } from './abstractRenderer';
import { checkMacros } from './macroCheck';
import { katexMacros } from './mathMacros';
import { parseWorkerRequest, type RenderWorkerMessage } from './renderProtocol';

const port = parentPort;
if (port) {
  const renderer = createAbstractRenderer();
  const send = (message: RenderWorkerMessage) => port.postMessage(message);
  port.on('message', (raw: unknown) => {
    const request = parseWorkerRequest(raw);
    if (request?.type === 'render') send({ type: 'rendered', id: request.id, html: renderer.render(request.markdown) });
    else if (request?.type === 'macros') {
      const { accepted, rejected } = checkMacros(request.macros);
      renderer.useMacros(katexMacros(accepted));
      send({ type: 'macrosChecked', id: request.id, accepted, rejected });
    }
  });
  send({ type: 'ready' });
}
