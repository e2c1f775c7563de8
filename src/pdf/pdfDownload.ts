import type { HttpClient } from '../core/http';
import { downloadFile } from '../core/download';
import { pdfFileProblem } from './pdfFiles';

/**
 * A paper's PDF downloaded once into global storage: the core's checked, atomic download (as a Hub model) (a
 * temporary file renamed only when complete; a cut, refused or failed download leaves nothing), plus the check
 * that what arrived is a whole PDF.
 */

export const DEFAULT_MAX_PDF_MB = 100;
export const MAX_PDF_MB_LIMIT = 2_000;

/** The limit in MB from the setting's raw value: a number in [1, 2000], else the default. */
export function clampMaxPdfMB(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_MAX_PDF_MB;
  return Math.min(MAX_PDF_MB_LIMIT, Math.max(1, value));
}

/** The PDF of an arXiv paper at the configured arXiv endpoint (arXiv's export mirror serves `/pdf/` as well). */
export function arxivPdfUrl(endpoint: string, arxivId: string): string {
  return `${endpoint.replace(/\/+$/, '')}/pdf/${encodeURIComponent(arxivId).replace(/%2F/g, '/')}`;
}

export interface PdfDownloadRequest {
  readonly http: HttpClient;
  readonly url: string;
  readonly target: string;
  readonly maxBytes: number;
  readonly limitHint?: string;
  readonly onProgress?: (received: number, total: number | undefined) => void;
  readonly signal?: AbortSignal;
}

export async function downloadPdf(req: PdfDownloadRequest): Promise<{ file: string; bytes: number }> {
  const result = await downloadFile({ ...req, verify: pdfFileProblem });
  return { file: result.file, bytes: result.bytes };
}
