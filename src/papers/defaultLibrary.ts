import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Paper } from './paper';
import { parseSeedListing } from './seedListing';

/** Where the bundled default library lives, relative to the extension root. */
export const DEFAULT_LISTING_PATH = join('media', 'library', 'default-listing.json');

/** The library a user sees offline, with no setup: the bundled Daily Papers listing. */
export async function loadDefaultLibrary(extensionRoot: string, now = new Date()): Promise<Paper[]> {
  const text = await readFile(join(extensionRoot, DEFAULT_LISTING_PATH), 'utf8');
  return parseSeedListing(JSON.parse(text) as unknown, now.getFullYear());
}
