/** Input and output names of the Loop rollout models Attractor builds (see rolloutGraph.ts). */
export const ROLLOUT_INPUTS = { x0: 'attractor_x0', iterations: 'attractor_iterations', dt: 'attractor_dt' } as const;
export const ROLLOUT_OUTPUTS = { last: 'attractor_x_last', trajectory: 'attractor_trajectory' } as const;
