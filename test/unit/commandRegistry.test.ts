/**
 * The command registry's one error policy, with VS Code's pieces replaced by recorders: a failing command is
 * logged with its details and shown as one message (with Show Log), a cancellation shows nothing.
 */
import * as assert from 'node:assert/strict';
import { CommandFailure, registerCommands, type CommandHost } from '../../src/commands/registry';
import { SourceError } from '../../src/core/httpErrors';

/** vscode.CancellationError as VS Code builds it: an Error named and worded "Canceled". */
class CancellationError extends Error {
  constructor() {
    super('Canceled');
    this.name = 'Canceled';
  }
}

function recordingHost(answer?: string) {
  const handlers = new Map<string, (...args: unknown[]) => unknown>();
  const logged: { message: string; details: unknown[] }[] = [];
  const shown: { message: string; actions: string[] }[] = [];
  let logShown = 0;
  const host: CommandHost = {
    log: {
      error: (message, ...details) => void logged.push({ message, details }),
      show: () => void logShown++,
    },
    registerCommand: (id, handler) => {
      handlers.set(id, handler);
      return { dispose: () => handlers.delete(id) };
    },
    showErrorMessage: (message, ...actions) => {
      shown.push({ message, actions });
      return Promise.resolve(answer);
    },
  };
  return { host, handlers, logged, shown, logShown: () => logShown };
}

describe('commands: the registry and its error policy', () => {
  it('registers each command under its id, passes the arguments and returns the result', async () => {
    const r = recordingHost();
    const disposables = registerCommands(r.host, [
      { id: 'attractor.a', what: 'Could not a', run: (x: unknown, y: unknown) => [x, y] },
      { id: 'attractor.b', what: 'Could not b', run: async () => 'b' },
    ]);
    assert.deepEqual([...r.handlers.keys()], ['attractor.a', 'attractor.b']);
    assert.deepEqual(await r.handlers.get('attractor.a')!(1, 'two'), [1, 'two']);
    assert.equal(await r.handlers.get('attractor.b')!(), 'b');
    disposables.forEach((d) => d.dispose());
    assert.equal(r.handlers.size, 0);
    assert.deepEqual(r.shown, []);
  });

  it('a throwing command logs the stack and the cause, and shows one message with Show Log', async () => {
    const r = recordingHost();
    const cause = new Error('EACCES: permission denied, open /x/library.db');
    registerCommands(r.host, [
      {
        id: 'attractor.fails',
        what: 'Could not export the collection',
        run: () => {
          throw new Error('the file could not be written', { cause });
        },
      },
    ]);
    assert.equal(await r.handlers.get('attractor.fails')!(), undefined);
    assert.deepEqual(r.shown, [
      { message: 'Attractor: Could not export the collection. the file could not be written', actions: ['Show Log'] },
    ]);
    assert.equal(r.logged.length, 1);
    assert.equal(r.logged[0].message, 'Could not export the collection: the file could not be written');
    const details = r.logged[0].details.join('\n');
    assert.match(details, /Error: the file could not be written\n\s+at /, 'the stack');
    assert.match(details, /Caused by: Error: EACCES: permission denied/, 'the cause');
    assert.equal(r.logShown(), 0, 'the log opens only when asked');
  });

  it('Show Log opens the log', async () => {
    const r = recordingHost('Show Log');
    registerCommands(r.host, [{ id: 'x', what: 'Could not x', run: () => Promise.reject(new Error('no')) }]);
    await r.handlers.get('x')!();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(r.logShown(), 1);
  });

  it("a source's failure reads as the sentence that says what to do; its status goes to the log", async () => {
    const r = recordingHost();
    const err = new SourceError('rateLimited', 'export.arxiv.org', 'HTTP 429', { status: 429, retryAfterSeconds: 20 });
    registerCommands(r.host, [{ id: 'x', what: 'Could not fetch the day', run: () => Promise.reject(err) }]);
    await r.handlers.get('x')!();
    assert.deepEqual(
      r.shown.map((s) => s.message),
      ['Attractor: Could not fetch the day. export.arxiv.org is limiting requests (HTTP 429). Try again in 20 s.'],
    );
    assert.match(
      r.logged[0].details.join('\n'),
      /rateLimited at export\.arxiv\.org \{"status":429,"retryAfterSeconds":20\}/,
    );
  });

  it('a CommandFailure names the step that failed instead of the command', async () => {
    const r = recordingHost();
    const err = new CommandFailure('could not add arXiv:2306.04406', new Error('arXiv did not answer in time.'));
    registerCommands(r.host, [{ id: 'x', what: 'Could not add the paper', run: () => Promise.reject(err) }]);
    await r.handlers.get('x')!();
    assert.deepEqual(
      r.shown.map((s) => s.message),
      ['Attractor: could not add arXiv:2306.04406. arXiv did not answer in time.'],
    );
  });

  it("a command's own describe words the errors it knows", async () => {
    const r = recordingHost();
    registerCommands(r.host, [
      {
        id: 'x',
        what: 'could not get the model',
        run: () => Promise.reject(new Error('raw')),
        describe: (e) => `${(e as Error).message}, described. Nothing was kept.`,
      },
    ]);
    await r.handlers.get('x')!();
    assert.deepEqual(
      r.shown.map((s) => s.message),
      ['Attractor: could not get the model. raw, described. Nothing was kept.'],
    );
  });

  it('a cancellation (the user closed the prompt) shows nothing and logs nothing', async () => {
    const r = recordingHost();
    registerCommands(r.host, [
      { id: 'cancelled', what: 'Could not pick', run: () => Promise.reject(new CancellationError()) },
      {
        id: 'cancelledStep',
        what: 'Could not pick',
        run: () => Promise.reject(new CommandFailure('could not download', new CancellationError())),
      },
    ]);
    assert.equal(await r.handlers.get('cancelled')!(), undefined);
    assert.equal(await r.handlers.get('cancelledStep')!(), undefined);
    assert.deepEqual(r.shown, []);
    assert.deepEqual(r.logged, []);
  });
});
