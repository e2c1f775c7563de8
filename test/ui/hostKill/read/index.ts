/**
 * Runs inside a fresh extension host after the kill: the library as this new window opens it, written to
 * $ATTRACTOR_BURST_READ (collections and starred paper ids).
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { AttractorApi } from '../../../../src/extension';

export async function run(): Promise<void> {
  const api = await vscode.extensions.getExtension<AttractorApi>('attractor-dev.attractor')!.activate();
  const lib = await api.papers.store.library();
  const state = { collections: lib.collections, starred: lib.starred().map((p) => p.id) };
  fs.writeFileSync(process.env.ATTRACTOR_BURST_READ!, JSON.stringify(state));
}
