/**
 * Scores a preview run off the extension host's thread: VPT, D_stsp and D_H (and the σ of the reference attractor
 * the VPT normalises by) are synchronous loops over the whole run, 100+ ms on 10^4 rows, too long to hold the
 * host's event loop. Started by offThreadScores.ts for one job, which it answers once. Bundled on its own
 * (dist/scoreWorker.js).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { scoreJob, type ScoreJob, type ScoreWorkerOutput } from './offThreadScores';

if (parentPort) {
  const port = parentPort;
  try {
    port.postMessage({ ok: true, answer: scoreJob(workerData as ScoreJob) } satisfies ScoreWorkerOutput);
  } catch (err) {
    port.postMessage({ ok: false, error: String(err) } satisfies ScoreWorkerOutput);
  }
}
