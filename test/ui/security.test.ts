/**
 * What a user does with the Hugging Face token, and what hostile input must not do, in a real VS Code
 * (code-server) driven by Chromium, against the local fixture server named as the user's endpoint.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { startFixtureServer, type FixtureServer } from '../fixtures/server';
import { useWorkbench } from '../harness/mocha';
import { waitFor } from '../harness/poll';
import { escapeRegExp } from '../harness/workbench';
import { externalWeightsMap } from '../fixtures/models/externalData';

const TOKEN = 'hf_uiTestToken_0123456789';

/** Every text file under `dir` that contains `needle` (the token must be in none of them). */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    try {
      if (fs.statSync(file).size < 5_000_000 && fs.readFileSync(file).includes(needle)) hits.push(file);
    } catch {
      // a file removed while walking (logs rotate): nothing to read
    }
  }
  return hits;
}

describe('security (UI)', function () {
  let server: FixtureServer;
  const settings: Record<string, unknown> = {};
  before(async () => {
    server = await startFixtureServer();
    server.route('/api/daily_papers', { body: [] });
    Object.assign(settings, {
      'attractor.huggingface.endpoint': server.url,
      'attractor.arxiv.endpoint': server.url,
      'attractor.papers.fetchOnOpen': false,
      'attractor.network.timeoutSeconds': 5,
    });
  });
  after(() => server?.close());
  const ui = useWorkbench({ host: { settings } });

  /** Runs a palette command that opens an input box (so the palette does not simply close). */
  async function startCommand(title: string): Promise<void> {
    const { page } = ui.wb;
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) })
      .first()
      .click();
  }

  async function refreshAndReadAuthorization(): Promise<string | undefined> {
    const before = server.requestsTo('/api/daily_papers').length;
    await ui.wb.runCommand('Attractor: Refresh Papers');
    const requests = await waitFor(
      () => {
        const all = server.requestsTo('/api/daily_papers');
        return all.length > before ? all : undefined;
      },
      { timeout: 30_000, message: 'a Daily Papers request after Refresh Papers' },
    );
    return requests.at(-1)!.headers.authorization;
  }

  it('Set and Clear Hugging Face Token: kept in secret storage, sent as a header to the user’s endpoint only', async () => {
    const { page } = ui.wb;
    await ui.wb.openViewContainer('Attractor');
    assert.equal(await refreshAndReadAuthorization(), undefined, 'no token before one is set');

    await startCommand('Attractor: Set Hugging Face Token…');
    const box = page.locator('.quick-input-widget .quick-input-box input[type="password"]');
    await box.waitFor({ state: 'visible' });
    await box.fill(TOKEN);
    await box.press('Enter');
    await waitFor(async () => (await ui.wb.notifications()).some((n) => /token saved in secret storage/.test(n)), {
      message: 'the "token saved" notification',
    });
    assert.equal(await refreshAndReadAuthorization(), `Bearer ${TOKEN}`);
    assert.ok(!server.requests.some((r) => r.url.includes(TOKEN)), 'the token is never part of a URL');
    assert.deepEqual(filesContaining(ui.host.userDataDir, TOKEN), [], 'not in settings or any file of the profile');
    assert.deepEqual(filesContaining(ui.host.workspace, TOKEN), [], 'not in the workspace');

    await ui.wb.runCommand('Attractor: Clear Hugging Face Token');
    await waitFor(async () => (await ui.wb.notifications()).some((n) => /token removed/.test(n)), {
      message: 'the "token removed" notification',
    });
    assert.equal(await refreshAndReadAuthorization(), undefined, 'no token after Clear');
  });

  it('a workspace .onnx whose Constant reads "etc/passwd" as external data: the card says why and offers no Preview', async () => {
    const name = 'external_passwd.onnx';
    fs.writeFileSync(path.join(ui.host.workspace, name), externalWeightsMap('etc/passwd', 'constant'));
    await ui.wb.quickOpen(name);
    const card = await ui.wb.webview(name);
    await card.locator('text=Attractor cannot preview this model').waitFor({ timeout: 30_000 });
    const reason = (await card.locator('.recognition .reason').textContent()) ?? '';
    assert.match(reason, /Tensor "W" \(Constant node "weights" attribute value\) keeps its data in another file/);
    assert.match(reason, /"etc\/passwd" does not exist beside the model/);
    assert.match(reason, /only from files beside the model/);
    assert.equal(await card.locator('vscode-button#preview').count(), 0, 'no Preview button');
  });
});
