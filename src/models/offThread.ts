/**
 * Pure jobs computed in a worker thread (jobWorker.ts), so that nothing holds the extension host's event loop,
 * which every extension shares: the preview's reconstruction scores (synchronous loops over the whole run, 100+ ms
 * on 10^4 rows) and the eigenvalues of large Jacobians (a 203-state ESN's: ~110 ms each). Jobs and answers are
 * plain data, copied to the worker and back.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { Trajectory } from '../core/trajectory';
import { snapReal } from './insight/classify';
import { eigenvalues, type Eigenvalue } from './insight/eigen';
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

/** The jobs a worker runs: what each takes and answers. */
export interface OffThreadJobs {
  readonly scores: { readonly input: ScoreJob; readonly output: ScoreAnswer };
  /** Each matrix n × n, row-major; eigenvalues with tiny imaginary parts snapped to real. */
  readonly eigenvalues: {
    readonly input: { readonly matrices: readonly Float64Array[]; readonly n: number };
    readonly output: Eigenvalue[][];
  };
}
export type JobKind = keyof OffThreadJobs;
export type JobRequest = { [K in JobKind]: { readonly kind: K; readonly input: OffThreadJobs[K]['input'] } }[JobKind];
export type JobOutput =
  { readonly ok: true; readonly answer: unknown } | { readonly ok: false; readonly error: string };

const JOBS: { readonly [K in JobKind]: (input: OffThreadJobs[K]['input']) => OffThreadJobs[K]['output'] } = {
  scores: scoreJob,
  eigenvalues: ({ matrices, n }) => matrices.map((m) => snapReal(eigenvalues(m, n))),
};

/** A job on whichever thread calls it (the worker's, or this one when the worker's file is missing). */
export function runJob(request: JobRequest): unknown {
  return (JOBS[request.kind] as (input: unknown) => unknown)(request.input);
}

/** Beside this module: out/src/models/ for the tests, dist/ in the bundle (scripts/build.mjs builds it there). */
const WORKER_FILE = join(__dirname, 'jobWorker.js');

/** Runs a job in a worker thread started for it; on this thread only when the worker's file is missing. */
export async function offThread<K extends JobKind>(
  kind: K,
  input: OffThreadJobs[K]['input'],
  workerFile = WORKER_FILE,
): Promise<OffThreadJobs[K]['output']> {
  const request = { kind, input } as JobRequest;
  if (!existsSync(workerFile)) return runJob(request) as OffThreadJobs[K]['output'];
  const { Worker } = await import('node:worker_threads');
  const worker: Worker = new Worker(workerFile, { workerData: request });
  try {
    const out = await new Promise<JobOutput>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the worker thread stopped (exit code ${code})`)));
    });
    if (!out.ok) throw new Error(out.error);
    return out.answer as OffThreadJobs[K]['output'];
  } finally {
    void worker.terminate();
  }
}
