import * as vscode from 'vscode';

/**
 * A setting's value from the user's own settings (or its default), never from a workspace or folder. For the
 * settings that say where requests and tokens go: they are `application`-scoped in package.json, which current
 * hosts already keep out of workspaces, and reading through `inspect()` keeps older hosts (and Restricted
 * Mode) from applying a value a cloned repository's `.vscode/settings.json` supplies.
 */
export function userSetting<T>(section: string, key: string): T | undefined {
  const inspected = vscode.workspace.getConfiguration(section).inspect<T>(key);
  return inspected?.globalValue ?? inspected?.defaultValue;
}
