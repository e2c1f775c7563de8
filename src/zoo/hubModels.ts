/**
 * Hugging Face Hub models that cite a paper (`GET /api/models?filter=arxiv:ID&full=true`): their listing, safe
 * file names for their `.onnx` files, and the download of one through the core's checked download
 * (`core/download.ts`). Unit-tested against the local fixture server.
 */
import { createHash } from 'node:crypto';
import { downloadFile, type DownloadRequest, type DownloadResult } from '../core/download';
import { SourceError } from '../core/httpErrors';
import { isRecord } from '../core/validate';

export interface HubModel {
  /** `owner/name`. */
  readonly id: string;
  /** Paths of the repository's `.onnx` files. */
  readonly onnxFiles: readonly string[];
  readonly downloads?: number;
  readonly likes?: number;
  readonly pipelineTag?: string;
}

const REPO_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;
const MAX_FILES = 200;

const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : undefined);

/** A repository path that is safe to put in a URL and to name a file after: relative, no `..`, ends in .onnx. */
export function isOnnxPath(p: string): boolean {
  return (
    p.length > 0 &&
    p.length < 500 &&
    /\.onnx$/i.test(p) &&
    !p.startsWith('/') &&
    !p.includes('\\') &&
    !p.split('/').some((s) => s === '' || s === '.' || s === '..')
  );
}

export function hubModelsUrl(endpoint: string, arxivId: string): string {
  return `${endpoint.replace(/\/+$/, '')}/api/models?filter=${encodeURIComponent(`arxiv:${arxivId}`)}&full=true&limit=100`;
}

export function hubFileUrl(endpoint: string, repo: string, file: string): string {
  return `${endpoint.replace(/\/+$/, '')}/${repo.split('/').map(encodeURIComponent).join('/')}/resolve/main/${file.split('/').map(encodeURIComponent).join('/')}`;
}

export function hubModelPage(endpoint: string, repo: string): string {
  return `${endpoint.replace(/\/+$/, '')}/${repo.split('/').map(encodeURIComponent).join('/')}`;
}

/** The answer of /api/models: entries without a usable id are skipped, models with .onnx files come first. */
export function parseHubModels(text: string, host: string): HubModel[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SourceError('parse', host, `invalid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(json)) throw new SourceError('parse', host, 'expected a JSON array of models');
  const models: HubModel[] = [];
  for (const entry of json) {
    if (!isRecord(entry)) continue;
    const id = typeof entry.id === 'string' ? entry.id : typeof entry.modelId === 'string' ? entry.modelId : undefined;
    if (!id || !REPO_ID.test(id) || id.length > 200) continue;
    const siblings = Array.isArray(entry.siblings) ? entry.siblings.slice(0, 5000) : [];
    const onnxFiles = siblings
      .flatMap((s) => (isRecord(s) && typeof s.rfilename === 'string' && isOnnxPath(s.rfilename) ? [s.rfilename] : []))
      .slice(0, MAX_FILES);
    models.push({
      id,
      onnxFiles,
      downloads: count(entry.downloads),
      likes: count(entry.likes),
      pipelineTag: typeof entry.pipeline_tag === 'string' ? entry.pipeline_tag.slice(0, 100) : undefined,
    });
  }
  return models.sort((a, b) => Number(b.onnxFiles.length > 0) - Number(a.onnxFiles.length > 0));
}

/**
 * One flat file name per repository file (the Models view lists the downloads folder flat), different for
 * different files: `owner/name` + `dir/file.onnx` → `owner--name--dir--file.onnx` when that can be read back
 * unambiguously (no `--` or edge `-` in a part, nothing replaced). Otherwise (`a--b/c` and `a/b--c` would
 * both give `a--b--c`) the name gets `+` and a hash of the exact repository and path: `+` never appears in the
 * readable form, so the two kinds of names cannot meet.
 */
export function downloadedFileName(repo: string, file: string): string {
  const parts = [...repo.split('/'), ...file.split('/')];
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');
  const readable = parts.map(safe).join('--');
  const clean =
    repo.split('/').length === 2 &&
    parts.every((p) => p.length > 0 && safe(p) === p && !p.includes('--') && !p.startsWith('-') && !p.endsWith('-'));
  const name = clean
    ? readable
    : `${readable.replace(/\.onnx$/i, '')}+${createHash('sha256').update(`${repo}\n${file}`).digest('hex').slice(0, 16)}`;
  return /\.onnx$/i.test(name) ? name : `${name}.onnx`;
}

/** Quick-pick text from the network: `$(name)` would be drawn as an icon, so it is escaped to show as typed. */
export function escapeIcons(text: string): string {
  return text.replace(/\$\(/g, '\\$(');
}

export const DEFAULT_MAX_DOWNLOAD_MB = 200;
/** The setting's own maximum (package.json), enforced here too: a value from anywhere else is cut to it. */
export const MAX_DOWNLOAD_MB_LIMIT = 10_000;

/** The download limit in MB from the setting's raw value: a number in [1, 10000], else the default. */
export function clampMaxDownloadMB(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_MAX_DOWNLOAD_MB;
  return Math.min(MAX_DOWNLOAD_MB_LIMIT, Math.max(1, value));
}

/** A Hub file downloaded with the core's checked download; a refusal says what a gated model needs. */
export function downloadHubFile(req: DownloadRequest): Promise<DownloadResult> {
  return downloadFile({
    refusedHint: 'the model may be gated or private. Set a token with "Attractor: Set Hugging Face Token…".',
    ...req,
  });
}
