/**
 * Reads a source file's imports as text (tsc is not needed): the layer and lazy-loading tests walk the tree with
 * these, the way a reader would follow the import lines.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const repoRoot = path.join(__dirname, '..', '..', '..');

export interface ImportLine {
  readonly spec: string;
  /** Erased by tsc: `import type`, or only `type` names inside the braces. */
  readonly typeOnly: boolean;
  /** `require(…)` or `import(…)` inside a function: loaded on first use. */
  readonly lazy: boolean;
}

export function imports(file: string): ImportLine[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: ImportLine[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?([^'"]*?)\s*from\s+['"]([^'"]+)['"];?/gms)) {
    const names = m[2]
      .replace(/[{}]/g, '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const typeOnly = Boolean(m[1]) || (names.length > 0 && names.every((n) => n.startsWith('type ')));
    out.push({ spec: m[3], typeOnly, lazy: false });
  }
  for (const m of text.matchAll(/^import\s+['"]([^'"]+)['"];?/gm))
    out.push({ spec: m[1], typeOnly: false, lazy: false });
  for (const m of text.matchAll(/\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g))
    out.push({ spec: m[1], typeOnly: false, lazy: true });
  return out;
}

/** The .ts file a relative import names, or undefined for a package (or a file that is not there). */
export function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(candidate)) return candidate;
  return undefined;
}

/** Every file and package reached from `entry` through the imports `follow` accepts. */
export function reachable(entry: string, follow: (line: ImportLine) => boolean): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const line of imports(file)) {
      if (!follow(line)) continue;
      const target = resolveImport(file, line.spec);
      if (target) queue.push(target);
      else if (!line.spec.startsWith('.')) seen.add(line.spec);
    }
  }
  return seen;
}

/** Every .ts file below `dir`, as paths relative to the repository with `/` separators. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push(path.relative(repoRoot, p).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** A glob as ESLint's `files` reads it, for the patterns this repository uses: `**`, `*` and literal text. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
