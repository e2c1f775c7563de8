/**
 * First run as a user meets it: the walkthrough opened from Welcome: Open Walkthrough… lists its four steps,
 * each with its command button, and the Search Papers keybinding opens the search pick.
 */
import * as assert from 'assert';
import { useWorkbench } from '../harness/mocha';
import { waitFor } from '../harness/poll';

const WALKTHROUGH = 'Get Started with Attractor';
const STEPS = ['Browse papers', 'Annotate a paper', 'Preview a model', 'Compare with data'];

describe('first run (UI)', function () {
  const ui = useWorkbench();

  it('Welcome: Open Walkthrough… opens the Attractor walkthrough with its four steps', async () => {
    const { page } = ui.wb;
    await ui.wb.runInputCommand('Welcome: Open Walkthrough...', { placeholder: 'Select a walkthrough to open' });
    await ui.wb.pickQuickItem(WALKTHROUGH);
    const welcome = page.locator('.part.editor .gettingStartedContainer');
    await welcome.getByText(WALKTHROUGH, { exact: true }).first().waitFor({ timeout: 20_000 });
    const titles = await waitFor(
      async () => {
        const shown = (await welcome.locator('.getting-started-step .step-title').allTextContents()).map((t) =>
          t.trim(),
        );
        return STEPS.every((s) => shown.includes(s)) ? shown : undefined;
      },
      { message: 'the walkthrough steps' },
    );
    assert.deepEqual(
      titles.filter((t) => STEPS.includes(t)),
      STEPS,
    );
    // The first step is expanded: its description carries the Search Papers button.
    await welcome.getByRole('button', { name: 'Search Papers' }).first().waitFor();
  });

  it('Ctrl+Alt+P opens Search Papers', async () => {
    const { page } = ui.wb;
    await page.keyboard.press('Escape');
    await page.locator('.part.editor .tab.active').first().click();
    await page.keyboard.press('Control+Alt+p');
    await page
      .locator(
        '.quick-input-widget .quick-input-box input[placeholder="Search the library by title, abstract, author or arXiv id"]',
      )
      .waitFor({ timeout: 20_000 });
    await page.keyboard.press('Escape');
  });
});
