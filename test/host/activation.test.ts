import * as assert from 'assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'attractor-dev.attractor';
const COMMANDS = ['attractor.openPaper', 'attractor.showLog', 'attractor.refreshPapers'];

describe('activation', () => {
  it('activates when "Attractor: Show Log" runs', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    await vscode.commands.executeCommand('attractor.showLog');
    assert.strictEqual(ext.isActive, true);
    assert.ok(ext.exports, 'activate() returns an API object');
  });

  it('registers its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of COMMANDS) assert.ok(commands.includes(id), `${id} is not registered`);
  });
});
