import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** The real path of `p`, or of its deepest ancestor that exists (with the missing rest appended lexically). */
async function realpathOfExisting(p: string): Promise<string> {
  const missing: string[] = [];
  let current = path.resolve(p);
  for (;;) {
    try {
      return path.join(await fs.realpath(current), ...missing.reverse());
    } catch (err) {
      const parent = path.dirname(current);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === current) throw err;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/**
 * Undefined when `target` really is inside `root`, after symbolic links are followed; otherwise where it leads.
 * A cloned repository can make its notes folder (or any folder on the way) a link to somewhere else on disk:
 * writing a note there would put files the user never asked for outside the workspace.
 */
export async function escapesRoot(root: string, target: string): Promise<string | undefined> {
  const realRoot = await realpathOfExisting(root);
  const realTarget = await realpathOfExisting(target);
  const rel = path.relative(realRoot, realTarget);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel)) ? undefined : realTarget;
}
