/**
 * What a preview starts from: the labels, defaults and limits the webview shows for a recognised model, and the
 * ensemble's initial states. The models API's headless `run` starts from the same defaults as the panel.
 */
import * as path from 'node:path';
import { Rng } from '../core/rng';
import type { PreviewModel } from './previewProtocol';
import { MAX_MEMBERS, MAX_STEPS, MAX_VALUES } from './runtime';
import { emitWidth, type Signature } from './signature';

/** Member 0 starts at x0; the others at x0 plus seeded Gaussian noise, so a rerun draws the same ensemble. */
export function ensembleStates(x0: readonly number[], members: number, perturbation: number): number[][] {
  const rng = new Rng(1234);
  return Array.from({ length: members }, (_, m) =>
    m === 0 ? [...x0] : x0.map((v) => v + perturbation * rng.normal()),
  );
}

/** Defaults and labels the webview needs. */
export function describeForPreview(file: string, sig: Signature): PreviewModel {
  const fileName = path.basename(file);
  const width = emitWidth(sig);
  const meta = sig.metadata;
  const notes: string[] = [];
  const names =
    sig.kind === 'map' && sig.observationOutput
      ? Array.from({ length: width }, (_, j) => `${sig.observationOutput}[${j}]`)
      : Array.from({ length: width }, (_, j) => meta.stateNames?.[j] ?? `x${j}`);
  let initialState = meta.initialState && meta.initialState.length === sig.dim ? [...meta.initialState] : undefined;
  let burnIn = 0;
  const steps = Math.min(10_000, Math.floor(MAX_VALUES / width / 4));
  if (!initialState) {
    // No stated initial state: start near (not at) the origin, which is often a fixed point, and drop a transient
    // so the plot shows the attractor rather than the approach to it.
    initialState = Array.from({ length: sig.dim }, (_, j) => +(0.1 * (1 + (j % 3)) * (j % 2 ? -1 : 1)).toFixed(3));
    burnIn = Math.floor(steps / 10);
    notes.push('No dynamics.initial_state: starting near the origin and dropping the first 10% of the run as burn-in.');
    if (meta.initialState)
      notes.push(`dynamics.initial_state has ${meta.initialState.length} values but the state has ${sig.dim}.`);
  }
  if (sig.kind === 'flow' && meta.dt === undefined) notes.push('No dynamics.dt: integrating with dt = 0.01.');
  if (sig.source === 'answer') notes.push(`Run as a ${sig.kind}, as you chose for this file.`);
  return {
    file,
    fileName,
    kind: sig.kind,
    kindSource: sig.source,
    dim: sig.dim,
    width,
    stateNames: names,
    elemType: sig.elemType,
    dtIsInput: sig.kind === 'flow' || (sig.kind === 'rollout' && sig.dtInput !== undefined),
    defaults: {
      initialState,
      steps,
      dt: meta.dt ?? (sig.kind === 'map' ? 1 : 0.01),
      members: 1,
      perturbation: 1e-3,
      burnIn,
    },
    system: meta.system,
    paper: meta.paper,
    notes,
    limits: { maxSteps: MAX_STEPS, maxMembers: MAX_MEMBERS, maxValues: MAX_VALUES },
    plotsState: !(sig.kind === 'map' && sig.observationOutput),
  };
}
