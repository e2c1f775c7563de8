import * as assert from 'assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'attractor-dev.attractor';

/**
 * Commands registered but not contributed in package.json: called by the extension's own panels and editors with
 * arguments a user could not give from the palette.
 */
const INTERNAL_COMMANDS = [
  // The PDF editor's Annotate Selection: a paper id, a page number and the passage selected on it.
  'attractor.annotatePdfPassage',
];

describe('commands', () => {
  it('registers every command package.json contributes, and contributes every attractor.* command it registers', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    await ext.activate();
    const contributed: string[] = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    // VS Code adds these for each contributed view (attractor.papers.focus, …).
    const views = Object.values(ext.packageJSON.contributes.views as Record<string, { id: string }[]>).flat();
    const viewCommands = new Set(
      views.flatMap((v) =>
        ['focus', 'open', 'removeView', 'resetViewLocation', 'toggleVisibility'].map((a) => `${v.id}.${a}`),
      ),
    );
    const registered = (await vscode.commands.getCommands(true)).filter(
      (id) => id.startsWith('attractor.') && !viewCommands.has(id),
    );
    assert.deepStrictEqual(
      contributed.filter((id) => !registered.includes(id)),
      [],
      'contributed in package.json but not registered',
    );
    assert.deepStrictEqual(
      registered.filter((id) => !contributed.includes(id) && !INTERNAL_COMMANDS.includes(id)).sort(),
      [],
      'registered but neither contributed nor listed as internal',
    );
    for (const id of INTERNAL_COMMANDS) assert.ok(registered.includes(id), `${id} (internal) is not registered`);
  });
});
