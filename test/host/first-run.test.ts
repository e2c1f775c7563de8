/**
 * First run: the extension's keybindings against VS Code's own (the default keybindings the running workbench
 * resolves, `vscode://defaultsettings/keybindings.json`, the file behind Preferences: Open Default Keyboard
 * Shortcuts, hold no other command on the keys Attractor contributes), and the sample workspace's settings.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'attractor-dev.attractor';

interface Keybinding {
  readonly key: string;
  readonly command: string;
}

/** `Ctrl+Alt+P` and `alt+ctrl+p` are the same key: modifiers sorted, lower case, chords kept in order. */
function normaliseKey(key: string): string {
  return key
    .toLowerCase()
    .split(/\s+/)
    .map((chord) => {
      const parts = chord.split('+');
      const last = parts.pop() ?? '';
      return [...parts.sort(), last].join('+');
    })
    .join(' ');
}

/** The default keybindings file is JSON with `//` comment lines. */
function parseDefaults(text: string): Keybinding[] {
  const json = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n');
  return JSON.parse(json) as Keybinding[];
}

describe('first run (in host)', () => {
  it('Search Papers and Annotate Selection have keys no VS Code default uses', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const ours = (ext.packageJSON as { contributes: { keybindings: Keybinding[] } }).contributes.keybindings;
    assert.deepEqual(ours.map((k) => k.command).sort(), [
      'attractor.annotatePanelSelection',
      'attractor.annotatePdfSelection',
      'attractor.annotateSelection',
      'attractor.searchPapers',
    ]);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse('vscode://defaultsettings/keybindings.json'));
    const defaults = parseDefaults(doc.getText());
    assert.ok(defaults.length > 100, `${defaults.length} default keybindings read`);
    for (const mine of ours) {
      const clash = defaults.filter(
        (d) => !d.command.startsWith('attractor.') && normaliseKey(d.key) === normaliseKey(mine.key),
      );
      assert.deepEqual(
        clash.map((d) => d.command),
        [],
        `${mine.key} (${mine.command}) is already bound`,
      );
    }
  });

  it('the sample workspace never asks about the git repository it sits in', () => {
    // The host opens a copy of examples/workspace/, with its .vscode/settings.json.
    const inspected = vscode.workspace.getConfiguration('git').inspect<string>('openRepositoryInParentFolders');
    assert.equal(inspected?.workspaceValue, 'never');
  });
});
