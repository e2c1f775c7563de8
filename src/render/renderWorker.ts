/**
 * The worker thread that renders untrusted Markdown with math (entry point `dist/renderWorker.js`). Loading
 * markdown-it and KaTeX happens here, before `ready`, so a render's time limit counts rendering only.
 */
import { parentPort } from 'node:worker_threads';
import { createAbstractRenderer } from './abstractRenderer';
import { parseRenderRequest, type RenderWorkerMessage } from './renderProtocol';

const port = parentPort;
if (port) {
  const renderer = createAbstractRenderer();
  const send = (message: RenderWorkerMessage) => port.postMessage(message);
  port.on('message', (raw: unknown) => {
    const request = parseRenderRequest(raw);
    if (request) send({ type: 'rendered', id: request.id, html: renderer.render(request.markdown) });
  });
  send({ type: 'ready' });
}
