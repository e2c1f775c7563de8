/**
 * Runs one job of offThread.ts off the extension host's thread and answers it once (the scores of a preview run,
 * the eigenvalues of large Jacobians). Bundled on its own (dist/jobWorker.js).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runJob, type JobOutput, type JobRequest } from './offThread';

if (parentPort) {
  const port = parentPort;
  try {
    port.postMessage({ ok: true, answer: runJob(workerData as JobRequest) } satisfies JobOutput);
  } catch (err) {
    port.postMessage({ ok: false, error: String(err) } satisfies JobOutput);
  }
}
