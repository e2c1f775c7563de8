/**
 * Runs inside the extension host (as its tests module) for the kill test: a burst of library writes that never
 * ends, each change logged to $ATTRACTOR_BURST_LOG once its transaction has committed (the host's pid first).
 * The test kills this host with SIGKILL in the middle of it.
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { AttractorApi } from '../../../../src/extension';

export async function run(): Promise<void> {
  const log = process.env.ATTRACTOR_BURST_LOG!;
  const api = await vscode.extensions.getExtension<AttractorApi>('attractor-dev.attractor')!.activate();
  const lib = await api.papers.store.library();
  const ids = lib.all().map((p) => p.id);
  fs.writeFileSync(log, `${process.pid}\n`);
  for (let i = 0; ; i++) {
    const paper = ids[i % ids.length];
    const collection = lib.createCollection(`burst ${i}`);
    lib.addToCollection(collection.id, paper);
    lib.setStarred(paper, i % 2 === 0);
    fs.appendFileSync(log, `${i} ${paper}\n`); // written only after all three changes returned (committed)
    if (i % 20 === 19) await new Promise((resolve) => setImmediate(resolve));
  }
}
