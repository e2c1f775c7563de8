/**
 * Every command of the extension is a `Command` registered here, so a failure is handled one way: logged to the
 * Attractor output channel with its details (stack, causes, the source's status), and shown as one error message
 * that says what failed and why, with Show Log. The user cancelling (a `vscode.CancellationError`) is not a failure.
 * The VS Code calls come in as a `CommandHost`, which keeps this file loadable in plain Node for its unit test.
 */
import { describeSourceError, SourceError } from '../core/httpErrors';

export interface Command {
  /** The id contributed in package.json (`contributes.commands`), or an internal one the panels call. */
  readonly id: string;
  /** What failed, as the error message opens: "Could not open the paper". */
  readonly what: string;
  run(...args: unknown[]): unknown;
  /** The sentence after `what` for the errors this command knows better; by default `describeSourceError`. */
  readonly describe?: (err: unknown) => string;
}

/** Thrown by a command whose step failed, to name that step in the message instead of the command's `what`. */
export class CommandFailure extends Error {
  constructor(
    readonly what: string,
    cause: unknown,
  ) {
    super(what, { cause });
    this.name = 'CommandFailure';
  }
}

export interface FailureLog {
  error(message: string, ...details: unknown[]): void;
  show(): void;
}

/** The pieces of VS Code the registry uses (`vscode.commands`, `vscode.window`, the log channel). */
export interface CommandHost {
  readonly log: FailureLog;
  registerCommand(id: string, handler: (...args: unknown[]) => unknown): { dispose(): unknown };
  showErrorMessage(message: string, ...actions: string[]): PromiseLike<string | undefined>;
}

export const SHOW_LOG = 'Show Log';

/** `vscode.CancellationError` (named "Canceled"): the user closed a prompt or cancelled a progress. */
export function isCancellation(err: unknown): boolean {
  return err instanceof Error && err.name === 'Canceled';
}

/** What the log keeps of a failure: its stack, the source's status or code, and each cause in turn. */
export function failureDetails(err: unknown): string {
  const lines: string[] = [];
  const seen = new Set<unknown>();
  for (let e: unknown = err, depth = 0; e !== undefined && !seen.has(e) && depth < 8; depth++) {
    seen.add(e);
    const prefix = depth === 0 ? '' : 'Caused by: ';
    if (e instanceof Error) {
      lines.push(prefix + (e.stack ?? `${e.name}: ${e.message}`));
      if (e instanceof SourceError)
        lines.push(`  (${e.kind} at ${e.host}${e.detail ? ` ${JSON.stringify(e.detail)}` : ''})`);
      e = e.cause;
    } else {
      lines.push(prefix + String(e));
      e = undefined;
    }
  }
  return lines.join('\n');
}

/** Logs a failure with its details and shows it as one message (with Show Log); a cancellation is let be. */
export async function reportFailure(
  host: Pick<CommandHost, 'log' | 'showErrorMessage'>,
  what: string,
  err: unknown,
  describe: (err: unknown) => string = describeSourceError,
): Promise<void> {
  if (isCancellation(err) || (err instanceof CommandFailure && isCancellation(err.cause))) return;
  if (err instanceof CommandFailure) {
    what = err.what;
    err = err.cause;
  }
  const sentence = describe(err);
  host.log.error(`${what}: ${sentence}`, failureDetails(err));
  // Not awaited: the command's caller gets its result at once, not when the notification is closed.
  void host.showErrorMessage(`Attractor: ${what}. ${sentence}`, SHOW_LOG).then((choice) => {
    if (choice === SHOW_LOG) host.log.show();
  });
}

/** Registers the commands with the one error policy; a failed command resolves to undefined. */
export function registerCommands(host: CommandHost, commands: readonly Command[]): { dispose(): unknown }[] {
  return commands.map((command) =>
    host.registerCommand(command.id, async (...args: unknown[]) => {
      try {
        return await command.run(...args);
      } catch (err) {
        await reportFailure(host, command.what, err, command.describe);
        return undefined;
      }
    }),
  );
}
