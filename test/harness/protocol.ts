/**
 * Marks the console lines of the in-host test run (test/host/index.ts) so that runInHostTests forwards them to
 * the terminal and drops the workbench's own console noise.
 */
export const IN_HOST_LINE_MARKER = '\u2063attractor-test\u2063';
