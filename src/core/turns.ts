/**
 * Giving the event loop a turn. The extension host's thread is shared by every extension, so long computations
 * hand it back between pieces of work: `nextTurn` always, `timeSlice` only once a piece of time has gone by (the
 * checks are cheap, so loops can ask after every item without yielding after every item).
 */

/** Resolves on a later turn of the event loop, after pending I/O and timers have had theirs. */
export const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/** Longest stretch a time-sliced loop holds the thread: well under a frame, so the host stays responsive. */
export const SLICE_MS = 8;

/**
 * A function to call between items of a long loop: it yields a turn when `ms` have passed since the last yield,
 * and reports whether it did (a loop may check for Cancel only then).
 */
export function timeSlice(ms = SLICE_MS): () => Promise<boolean> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < ms) return false;
    await nextTurn();
    since = performance.now();
    return true;
  };
}
