import * as vscode from 'vscode';
import type { LazyRenderer } from './lazyRenderer';
import {
  ATTRACTOR_MACROS_SETTING,
  describeProblem,
  MARKDOWN_MACROS_SETTING,
  mergeMacroSettings,
  type MacroProblem,
} from './mathMacros';
import { Disposable } from '../util/disposable';

/**
 * A macro setting's value. In Restricted Mode only the user's own (a cloned repository's `.vscode/settings.json`
 * cannot add macros to abstracts); in a trusted workspace the workspace's value applies, as VS Code's does.
 */
function macroSettingValue(setting: string): unknown {
  const dot = setting.indexOf('.');
  const config = vscode.workspace.getConfiguration(setting.slice(0, dot));
  const key = setting.slice(dot + 1);
  if (vscode.workspace.isTrusted) return config.get(key);
  const inspected = config.inspect(key);
  return inspected?.globalValue ?? inspected?.defaultValue;
}

/**
 * Feeds `attractor.math.macros` and `markdown.math.macros` to the renderer (which panels and model cards share)
 * and says once, in a warning, which macros were left out and why; the others keep applying. Reading the
 * settings is cheap; the macros are checked in the render worker before its next render, never here.
 */
export class MathMacroSettings extends Disposable {
  private readonly reported = new Set<string>();

  constructor(
    private readonly renderer: LazyRenderer,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register(renderer.onDidCheckMacros((check) => this.report(check.rejected)));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(ATTRACTOR_MACROS_SETTING) || e.affectsConfiguration(MARKDOWN_MACROS_SETTING))
          this.apply();
      }),
    );
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.apply()));
    this.apply();
  }

  private apply(): void {
    const set = mergeMacroSettings(
      macroSettingValue(MARKDOWN_MACROS_SETTING),
      macroSettingValue(ATTRACTOR_MACROS_SETTING),
    );
    this.report(set.problems);
    this.renderer.setMacros(set.macros);
  }

  private report(problems: readonly MacroProblem[]): void {
    const fresh = problems.filter((p) => {
      const key = JSON.stringify([p.setting, p.name, p.reason]);
      if (this.reported.has(key)) return false;
      this.reported.add(key);
      return true;
    });
    if (!fresh.length) return;
    for (const p of fresh) this.log.warn(`Math macro left out: ${describeProblem(p)}`);
    const listed = fresh.slice(0, 3).map(describeProblem).join('; ');
    const more = fresh.length > 3 ? ` and ${fresh.length - 3} more (see Attractor: Show Log)` : '';
    const message =
      fresh.length === 1
        ? `Attractor: the math macro ${listed}; it is left out, the other macros apply.`
        : `Attractor: ${fresh.length} math macros are left out: ${listed}${more}. The other macros apply.`;
    const setting = fresh[0].setting;
    void vscode.window.showWarningMessage(message, 'Open Settings').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', setting);
    });
  }
}
