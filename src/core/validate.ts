/**
 * Checks for values that arrive untyped: webview messages, saved state, JSON from the network or from disk.
 * Every parser narrows `unknown` with these, so "an object" and "a number" mean the same thing everywhere.
 */

/** A plain object (not null, not an array): the only shape a message or a JSON record may have. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A number that is neither NaN nor infinite (JSON cannot carry those, a hostile message can). */
export const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
