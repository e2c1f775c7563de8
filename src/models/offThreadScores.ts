/**
 * The preview's reconstruction scores computed in a worker thread (scoreWorker.ts), so that nothing holds the
 * extension host's event loop while a run is scored. The job is plain data (trajectories are copied to the
 * worker, a few hundred KB), the answer too.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { Trajectory } from '../core/trajectory';
import {
  compareTrajectories,
  validPredictionTime,
  type CompareOptions,
  type ReconstructionScores,
  type ValidPrediction,
} from '../metrics/index';
import { attractorScale } from '../systems/attractorScale';
import { findSystem } from '../systems/systems';

export interface ScoreJob {
  /** Row 0 is the state the forecast shares with the truth. */
  readonly truth: Trajectory;
  /** Scored by D_stsp and D_H, and by VPT unless `forecast` is given. */
  readonly model: Trajectory;
  /** The forecast the VPT scores when `model` is another run (the papers' protocol). */
  readonly forecast?: Trajectory;
  /** Options of the measures; `scale` (σ per component) from `scaleOf` when that names a reference system. */
  readonly options: Omit<CompareOptions, 'scale'> & { readonly scale?: ArrayLike<number> };
  /** A reference system's id: the VPT normalises by the σ of its attractor (a long run, computed with the job). */
  readonly scaleOf?: string;
}

export interface ScoreAnswer {
  readonly scores: ReconstructionScores;
  readonly validPrediction: ValidPrediction;
}

export type ScoreWorkerOutput =
  { readonly ok: true; readonly answer: ScoreAnswer } | { readonly ok: false; readonly error: string };

/** The job itself, on whichever thread calls it. */
export function scoreJob(job: ScoreJob): ScoreAnswer {
  const system = job.scaleOf === undefined ? undefined : findSystem(job.scaleOf);
  if (job.scaleOf !== undefined && !system) throw new Error(`no reference system ${job.scaleOf}`);
  const scale = system ? attractorScale(system) : job.options.scale;
  if (!scale) throw new Error('no σ for the valid prediction time');
  const options = { ...job.options, scale };
  const scores = compareTrajectories(job.truth, job.model, options);
  const validPrediction = job.forecast ? validPredictionTime(job.truth, job.forecast, options) : scores.validPrediction;
  return { scores, validPrediction };
}

/** Beside this module: out/src/models/ for the tests, dist/ in the bundle (scripts/build.mjs builds it there). */
const WORKER_FILE = join(__dirname, 'scoreWorker.js');

/** Scores `job` in a worker thread; on this thread only when the worker's file is missing. */
export async function scoreOffThread(job: ScoreJob, workerFile = WORKER_FILE): Promise<ScoreAnswer> {
  if (!existsSync(workerFile)) return scoreJob(job);
  const { Worker } = await import('node:worker_threads');
  const worker: Worker = new Worker(workerFile, { workerData: job });
  try {
    const out = await new Promise<ScoreWorkerOutput>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the scoring worker stopped (exit code ${code})`)));
    });
    if (!out.ok) throw new Error(out.error);
    return out.answer;
  } finally {
    void worker.terminate();
  }
}
