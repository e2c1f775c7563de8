/**
 * Restricted Mode as a user meets it, in a real VS Code (code-server) with workspace trust on and the folder not
 * trusted: papers work, a workspace .onnx gets its model card but is not run, and once the user trusts the folder
 * (Workspaces: Manage Workspace Trust, Trust) the card and the preview on screen offer what they refused, no reload.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { useWorkbench } from '../harness/mocha';
import { waitFor } from '../harness/poll';
import { lorenzFlow } from '../fixtures/models/models';

const MODEL = 'lorenz_flow.onnx';

describe('Restricted Mode (UI)', function () {
  this.timeout(180_000);
  const ui = useWorkbench({
    freshHostForRetry: true,
    host: {
      // The harness turns trust off for every other suite; here it is on, as in a user's VS Code, and the opened
      // folder is not trusted. No startup dialog: the user trusts it later, from the trust editor.
      workspaceTrust: true,
      settings: {
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.banner': 'never',
      },
    },
    prepare: (host) => {
      fs.writeFileSync(path.join(host.workspace, MODEL), lorenzFlow());
    },
  });

  it('shows papers and a workspace model’s card without running it; trusting the folder, the card and the preview on screen run it', async () => {
    const { page } = ui.wb;
    await waitFor(async () => (await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).count()) > 0, {
      timeout: 30_000,
      message: 'the window in Restricted Mode',
    });

    // Papers work in Restricted Mode: the default library is shown.
    await ui.wb.openViewContainer('Attractor');
    await ui.wb.revealTreeItem('Papers', 'Daily');

    await ui.wb.quickOpen(MODEL);
    const card = await ui.wb.webview(MODEL);
    const reason = card.locator('.recognition .reason');
    await reason.waitFor({ timeout: 30_000 });
    assert.match((await reason.textContent()) ?? '', /Restricted Mode: models in this workspace are shown but not run/);
    assert.equal(await card.locator('vscode-button#preview').count(), 0, 'no Preview button in Restricted Mode');

    // A preview opened anyway (Preview Model from the palette) says why it does not run.
    await ui.wb.runInputCommand('Attractor: Preview Model', { placeholder: 'An ONNX model to run' });
    await ui.wb.pickQuickItem(MODEL);
    const refused = await ui.wb.webview(`Preview: ${MODEL}`);
    await waitFor(async () => /Restricted Mode/.test((await refused.locator('#status').textContent()) ?? ''), {
      timeout: 30_000,
      message: 'the preview saying it does not run in Restricted Mode',
    });

    // The user trusts the folder from the trust editor, as VS Code's Restricted Mode indicator offers.
    await ui.wb.runCommand('Workspaces: Manage Workspace Trust');
    const trust = page
      .locator('.workspace-trust-editor .workspace-trust-buttons-row .monaco-button')
      .filter({ hasText: /^Trust/ })
      .first();
    await trust.waitFor({ timeout: 30_000 });
    await trust.click();
    await waitFor(async () => (await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).count()) === 0, {
      timeout: 30_000,
      message: 'Restricted Mode to end',
    });

    // The preview left open reads the model again and runs it now.
    await page
      .locator('.part.editor .tabs-container .tab')
      .filter({ has: page.locator('.label-name', { hasText: `Preview: ${MODEL}` }) })
      .first()
      .click();
    const preview = await ui.wb.webview(`Preview: ${MODEL}`);
    await waitFor(async () => /trusted now/.test((await preview.locator('#status').textContent()) ?? ''), {
      timeout: 30_000,
      message: 'the preview saying the model can run now',
    });
    await preview.locator('vscode-button#run:not([disabled])').waitFor({ timeout: 30_000 });
    await preview.locator('vscode-button#run').click();
    await waitFor(async () => /^Done:/.test((await preview.locator('#status').textContent()) ?? ''), {
      timeout: 60_000,
      message: 'the workspace model run once trusted',
    });

    // Back on the card: it was drawn again with the model recognised, and offers Preview.
    await page
      .locator('.part.editor .tabs-container .tab')
      .filter({ has: page.locator('.label-name', { hasText: MODEL }) })
      .first()
      .click();
    const trusted = await ui.wb.webview(MODEL);
    await trusted.locator('vscode-button#preview').waitFor({ timeout: 30_000 });
    assert.equal(await trusted.locator('text=Restricted Mode').count(), 0, 'the refusal is gone from the card');
  });
});
