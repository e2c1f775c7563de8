/** Condition waits: poll a check until it holds, instead of fixed sleeps. */

export interface PollOptions {
  /** Give up after this many ms (default 30 000). */
  timeout?: number;
  /** Time between tries in ms (default 100). */
  interval?: number;
  /** What was waited for, for the error message. */
  message?: string;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `fn` until it returns a value other than `undefined`/`false`/`null` without throwing, and returns it.
 * On timeout, throws with the last error or the last value seen.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  opts: PollOptions = {},
): Promise<Exclude<T, false | null | undefined>> {
  const timeout = opts.timeout ?? 30_000;
  const interval = opts.interval ?? 100;
  const deadline = Date.now() + timeout;
  let last: unknown;
  let lastError: unknown;
  for (;;) {
    try {
      last = await fn();
      lastError = undefined;
      if (last !== undefined && last !== false && last !== null) return last as Exclude<T, false | null | undefined>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const what = opts.message ?? 'condition';
      const detail =
        lastError !== undefined
          ? `last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`
          : `last value: ${JSON.stringify(last)}`;
      throw new Error(`Timed out after ${timeout} ms waiting for ${what} (${detail})`);
    }
    await delay(interval);
  }
}
