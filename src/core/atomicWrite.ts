import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * The one way Attractor writes a file it must not lose or leave half-written (the library, its search
 * snapshot, notes, annotation sidecars, exports, the model zoo): the bytes go to a temp file in the same folder
 * (a rename across file systems would copy), are flushed to disk, then the temp file takes the target's name,
 * so a crash leaves either the old file or the new one, never part of one. With `overwrite: false` it is linked
 * into place instead of renamed, which fails if the target exists, even when another writer got there first;
 * the answer is then `'exists'` and nothing is changed.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: { readonly overwrite?: boolean } = {},
): Promise<'written' | 'exists'> {
  const folder = dirname(file);
  await mkdir(folder, { recursive: true });
  const temp = join(folder, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx');
  try {
    try {
      await handle.writeFile(data, typeof data === 'string' ? 'utf8' : undefined);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.overwrite === false) {
      try {
        await link(temp, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
        throw err;
      }
    } else {
      await rename(temp, file);
    }
    return 'written';
  } finally {
    // After a rename the temp name is gone; after a link (or a failure) the temp file is removed here.
    await rm(temp, { force: true });
  }
}
