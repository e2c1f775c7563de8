import type * as vscode from 'vscode';
import type { CommandHost } from './commands/registry';
import type { PaperPanels } from './papers/paperPanel';
import type { PaperStore } from './papers/paperStore';
import type { LazyRenderer } from './render/lazyRenderer';

/**
 * What the capabilities share, created once in activate() and passed down (no global singletons).
 * Each capability folder has a `register.ts` that takes these and wires its commands, views and panels.
 */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly store: PaperStore;
  readonly renderer: LazyRenderer;
  readonly paperPanels: PaperPanels;
  /** Where the capabilities' commands are registered (`registerCommands` from `commands/registry.ts`). */
  readonly commands: CommandHost;
}
