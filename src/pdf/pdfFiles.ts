import { open } from 'node:fs/promises';

/**
 * Where a paper's PDF is kept in global storage and how to tell that a file is one. Pure (no vscode), so the
 * naming and the check are unit-tested.
 */

/**
 * The file name of a paper's PDF: its library id with every character outside `[A-Za-z0-9._-]` written as
 * `%XX` (UTF-8), so any id is a valid file name on every platform and the id can be read back from the name.
 */
export function pdfFileName(paperId: string): string {
  const safe = Array.from(new TextEncoder().encode(paperId))
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9._-]/.test(c) && b < 0x80 ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
  return `${safe}.pdf`;
}

/** The paper id a PDF file name was made from, or undefined for a name pdfFileName does not make. */
export function paperIdOfPdfFileName(name: string): string | undefined {
  if (!/^[A-Za-z0-9._%-]+\.pdf$/.test(name)) return undefined;
  try {
    const id = decodeURIComponent(name.slice(0, -'.pdf'.length));
    return id && pdfFileName(id) === name ? id : undefined;
  } catch {
    return undefined;
  }
}

/** How far into a file the `%PDF-` header may start (the PDF specification allows leading bytes; readers look this far). */
const HEADER_WINDOW = 1024;
/** How close to the end `%%EOF` must be: a cut file lacks its trailer. */
const TRAILER_WINDOW = 2048;

/**
 * Why a file is not a complete PDF, or undefined if it looks like one: the `%PDF-` header in its first KB and
 * the `%%EOF` marker in its last 2 KB (a download cut short, or an HTML error page served as 200, fails one).
 */
export async function pdfFileProblem(file: string): Promise<string | undefined> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return 'The file is empty.';
    const head = Buffer.alloc(Math.min(HEADER_WINDOW, size));
    await handle.read(head, 0, head.length, 0);
    if (!head.includes('%PDF-')) {
      const start = head
        .subarray(0, 16)
        .toString('latin1')
        .replace(/[^\x20-\x7e]/g, '.');
      return `The file is not a PDF (it starts with “${start}”).`;
    }
    const tailLength = Math.min(TRAILER_WINDOW, size);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    if (!tail.includes('%%EOF')) return 'The PDF is incomplete (it has no end-of-file marker).';
    return undefined;
  } finally {
    await handle.close();
  }
}
