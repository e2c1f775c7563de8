import { GraphBuilder } from '../../core/onnxGraph';
import { onnxField, type PolynomialField } from '../../systems/polynomial';

/**
 * Graph shapes shared by the zoo: a `map` (state [B, d] → next [B, d]), a `flow` (state → dx/dt), an RK4 step
 * of a polynomial field, and a `rollout` (x0 [B, d], steps int64 → trajectory [steps, B, d]) as one `Loop`.
 */
export const STATE_INPUT = 'x';
export const MAP_OUTPUT = 'x_next';
export const FLOW_OUTPUT = 'dxdt';
export const ROLLOUT_INPUTS = { state: 'x0', steps: 'steps' } as const;
export const ROLLOUT_OUTPUT = 'trajectory';

/** One classic RK4 step of `f` with step h: 4 evaluations + 12 elementwise nodes. */
export function onnxRk4(g: GraphBuilder, s: string, f: (state: string) => string, h: number): string {
  const half = g.scalar('h_half', h / 2);
  const full = g.scalar('h', h);
  const k1 = f(s);
  const k2 = f(g.op('Add', [s, g.op('Mul', [k1, half])]));
  const k3 = f(g.op('Add', [s, g.op('Mul', [k2, half])]));
  const k4 = f(g.op('Add', [s, g.op('Mul', [k3, full])]));
  const middle = g.op('Mul', [g.op('Add', [k2, k3]), g.scalar('two', 2)]);
  const sum = g.op('Add', [g.op('Add', [k1, k4]), middle]);
  return g.op('Add', [s, g.op('Mul', [sum, g.scalar('h_sixth', h / 6)])]);
}

/** A map graph: `body` builds the next state (and optional extra outputs) from the state input. */
export function mapGraph(
  name: string,
  dim: number,
  body: (
    g: GraphBuilder,
    state: string,
  ) => string | { next: string; extra: Record<string, { value: string; dim: number }> },
): GraphBuilder {
  const g = new GraphBuilder(name);
  const x = g.input(STATE_INPUT, 'float32', ['B', dim]);
  const built = body(g, x);
  const next = typeof built === 'string' ? built : built.next;
  g.op('Identity', [next], {}, MAP_OUTPUT);
  g.output(MAP_OUTPUT, 'float32', ['B', dim]);
  if (typeof built !== 'string') {
    for (const [outName, { value, dim: d }] of Object.entries(built.extra)) {
      g.op('Identity', [value], {}, outName);
      g.output(outName, 'float32', ['B', d]);
    }
  }
  return g;
}

export function flowGraph(name: string, field: PolynomialField): GraphBuilder {
  const g = new GraphBuilder(name);
  const x = g.input(STATE_INPUT, 'float32', ['B', field.dim]);
  g.op('Identity', [onnxField(g, x, field)], {}, FLOW_OUTPUT);
  g.output(FLOW_OUTPUT, 'float32', ['B', field.dim]);
  return g;
}

/**
 * A rollout graph: `Loop` over `steps`, whose body advances the state with `step` and emits it; the trajectory
 * holds the states after steps 1..N (not x0), stacked [N, B, d].
 */
export function rolloutGraph(
  name: string,
  dim: number,
  step: (g: GraphBuilder, state: string) => string,
): GraphBuilder {
  const body = new GraphBuilder(`${name}_step`, 'body_');
  body.input('iteration', 'int64', []);
  const condIn = body.input('cond_in', 'bool', []);
  const s = body.input('state_in', 'float32', ['B', dim]);
  const next = step(body, s);
  body.op('Identity', [condIn], {}, 'cond_out');
  body.op('Identity', [next], {}, 'state_out');
  body.op('Identity', [next], {}, 'state_scan');
  body.output('cond_out', 'bool', []);
  body.output('state_out', 'float32', ['B', dim]);
  body.output('state_scan', 'float32', ['B', dim]);

  const g = new GraphBuilder(name);
  const x0 = g.input(ROLLOUT_INPUTS.state, 'float32', ['B', dim]);
  const steps = g.input(ROLLOUT_INPUTS.steps, 'int64', []);
  const cond = g.constantBool('keep_going', true);
  g.opMulti('Loop', [steps, cond, x0], ['final_state', ROLLOUT_OUTPUT], { body: body.graph() });
  g.output(ROLLOUT_OUTPUT, 'float32', ['T', 'B', dim]);
  return g;
}
