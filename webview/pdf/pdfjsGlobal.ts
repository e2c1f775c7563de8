/**
 * pdf.js's viewer components read the library from `globalThis.pdfjsLib` when their module is evaluated, so this
 * module, imported first, puts it there.
 */
import * as pdfjsLib from 'pdfjs-dist/legacy/build/pdf.mjs';

(globalThis as unknown as { pdfjsLib: typeof pdfjsLib }).pdfjsLib = pdfjsLib;

export { pdfjsLib };
