/**
 * The four Markdown snippets as a user inserts them: type the prefix in a note, open suggestions (Ctrl+Space),
 * accept the snippet, fill the first placeholders (mirrored where the snippet repeats them), save, and read the
 * file. The expected texts are written out here, not derived from snippets/markdown.json.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { useWorkbench } from '../harness/mocha';
import { waitFor } from '../harness/poll';
import { escapeRegExp } from '../harness/workbench';

const pad = (n: number) => String(n).padStart(2, '0');
const now = new Date();
const TODAY = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;

/** Prefix, what to type into the first placeholders (Tab between them), and the note that results. */
const SNIPPETS: Array<{ prefix: string; fill: string[]; expected: string }> = [
  {
    prefix: 'paper-note',
    fill: ['2306.04406', 'Generalized Teacher Forcing'],
    expected: `---
id: "2306.04406"
arxiv: "2306.04406"
title: "Generalized Teacher Forcing"
authors:
  - "First Author"
date: "${TODAY}"
links:
  - "https://arxiv.org/abs/2306.04406"
tags:
  - "paper"
---

# Generalized Teacher Forcing

## Abstract

> Paste the abstract here.

## Notes

- **Question:**
- **Method:**
- **Result:**
- **Open issues:**

`,
  },
  {
    prefix: 'equation',
    fill: ['\\dot{y} = g(y)'],
    expected: `
$$
\\dot{y} = g(y)
$$

`,
  },
  {
    prefix: 'model-card',
    fill: ['lorenz63-plrnn'],
    expected: `## Model: lorenz63-plrnn

| | |
|---|---|
| System | Lorenz-63 |
| Architecture | PLRNN |
| Training data | trajectories, length, sampling step |
| Paper | [[arXiv:2306.04406]] |
| Weights | path/to/model.onnx |

### Evaluation

- Largest Lyapunov exponent: $\\lambda_{\\max} = 0.906$
- State-space divergence $D_{\\mathrm{stsp}}$:
- Power-spectrum distance $D_H$:

`,
  },
  {
    prefix: 'reading-log',
    fill: ['arXiv:2110.05266'],
    expected: `- **${TODAY}** [[arXiv:2110.05266]] — what I took from it
  Follow-up:`,
  },
];

describe('note snippets (UI)', function () {
  const ui = useWorkbench();
  /** A fresh note per try, so nothing a previous try left in an editor is saved over it. */
  let tries = 0;
  const newNote = (prefix: string) => {
    const file = path.join(ui.host.workspace, 'snippets', `${prefix}-${++tries}.md`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '');
    return file;
  };

  /** Quick Open (Ctrl+P) on a workspace file, as a user opens it. */
  const openFile = (relative: string) => ui.wb.quickOpen(relative);

  const dirtyTab = async () => (await ui.wb.page.locator('.part.editor .tabs-container .tab.active.dirty').count()) > 0;

  for (const { prefix, fill, expected } of SNIPPETS) {
    it(`inserts the ${prefix} snippet in a Markdown note`, async () => {
      const { page } = ui.wb;
      const file = newNote(prefix);
      await openFile(`snippets/${path.basename(file)}`);
      const editor = page.locator('.part.editor .editor-group-container.active .monaco-editor').first();
      await editor.locator('.view-lines').click();
      await page.keyboard.type(prefix);
      await page.keyboard.press('Control+Space');
      const suggestion = page
        .locator('.editor-widget.suggest-widget .monaco-list-row')
        .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(prefix)}$`) }) })
        .first();
      await suggestion.waitFor({ timeout: 15_000 });
      await suggestion.click();
      for (const [i, text] of fill.entries()) {
        if (i > 0) await page.keyboard.press('Tab');
        await page.keyboard.type(text);
      }
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+s');
      // Lines that end at an empty placeholder keep its leading space; that is not part of what is compared.
      const normalise = (t: string) => t.replace(/[ \t]+$/gm, '');
      // VS Code in the browser auto-saves after a delay, so the file may first hold a state from mid-typing:
      // wait for the save of the finished note (Ctrl+S), then compare.
      await waitFor(async () => normalise(fs.readFileSync(file, 'utf8')) === expected && !(await dirtyTab()), {
        timeout: 15_000,
        message: `${path.basename(file)} saved`,
      }).catch(() => undefined);
      assert.strictEqual(normalise(fs.readFileSync(file, 'utf8')), expected);
    });
  }
});
