/**
 * The layer rule of ARCHITECTURE.md, checked by walking the import lines (ESLint checks the same from
 * scripts/layers.mjs): only the VS Code adapters import `vscode`; src/core/ imports nothing but itself and
 * packages; the folders under src/ depend on one another in one direction.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { globToRegExp, imports, repoRoot, resolveImport, sourceFiles } from './imports';

interface Layers {
  readonly CORE: string;
  readonly vscodeAdapters: readonly string[];
}

describe('layers: pure modules and the core', () => {
  let layers: Layers;
  let files: string[];

  before(async () => {
    // A variable specifier keeps tsc from compiling the import to require(), which cannot load an ES module.
    const spec = pathToFileURL(path.join(repoRoot, 'scripts', 'layers.mjs')).href;
    layers = (await import(spec)) as Layers;
    files = sourceFiles(path.join(repoRoot, 'src'));
  });

  const importsVscode = (file: string) =>
    imports(path.join(repoRoot, file)).some((l) => l.spec === 'vscode' || l.spec.startsWith('vscode/'));

  it('only the VS Code adapters (register.ts, *Tree, *Panel, *Editor, commands/, the named list) import vscode', () => {
    const adapters = layers.vscodeAdapters.map(globToRegExp);
    const core = `${layers.CORE}/`;
    const offenders = files.filter(
      (f) => (f.startsWith(core) || !adapters.some((re) => re.test(f))) && importsVscode(f),
    );
    assert.deepEqual(offenders, [], 'pure modules that import vscode');
    assert.ok(
      files.some((f) => f.endsWith('register.ts') && importsVscode(f)),
      'the scan sees the vscode imports of register.ts files',
    );
  });

  it('src/core/ imports only src/core/ and packages', () => {
    const core = path.join(repoRoot, layers.CORE) + path.sep;
    const inCore = files.filter((f) => f.startsWith(`${layers.CORE}/`));
    assert.ok(inCore.length > 5, 'the core has its modules');
    const outside: string[] = [];
    for (const f of inCore) {
      for (const line of imports(path.join(repoRoot, f))) {
        if (!line.spec.startsWith('.')) continue;
        const target = resolveImport(path.join(repoRoot, f), line.spec);
        if (!target || !target.startsWith(core)) outside.push(`${f} → ${line.spec}`);
      }
    }
    assert.deepEqual(outside, []);
  });

  it('the folders under src/ import one another without a cycle (extension.ts and services.ts, the wiring, aside)', () => {
    const src = path.join(repoRoot, 'src') + path.sep;
    const folderOf = (abs: string) => {
      const rel = abs.slice(src.length).split(path.sep);
      return rel.length > 1 ? rel[0] : undefined;
    };
    const edges = new Map<string, Map<string, string>>();
    for (const f of files) {
      const from = folderOf(path.join(repoRoot, f));
      if (!from) continue;
      for (const line of imports(path.join(repoRoot, f))) {
        if (!line.spec.startsWith('.')) continue;
        const target = resolveImport(path.join(repoRoot, f), line.spec);
        const to = target?.startsWith(src) ? folderOf(target) : undefined;
        if (!to || to === from) continue;
        const out = edges.get(from) ?? new Map<string, string>();
        if (!out.has(to)) out.set(to, `${f} → ${line.spec}`);
        edges.set(from, out);
      }
    }
    // A depth-first walk: an edge back to a folder still on the path closes a cycle.
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const walk = (folder: string, trail: string[]) => {
      state.set(folder, 'open');
      for (const [to, example] of edges.get(folder) ?? []) {
        if (state.get(to) === 'open')
          cycles.push([...trail, folder, to].slice(trail.indexOf(to)).join(' → ') + ` (${example})`);
        else if (!state.has(to)) walk(to, [...trail, folder]);
      }
      state.set(folder, 'done');
    };
    for (const folder of edges.keys()) if (!state.has(folder)) walk(folder, []);
    assert.ok(edges.size > 5, 'the walk sees the folders');
    assert.deepEqual(cycles, []);
  });

  it('every adapter pattern names at least one file (a renamed file leaves no stale entry)', () => {
    const stale = layers.vscodeAdapters.filter((glob) => !files.some((f) => globToRegExp(glob).test(f)));
    assert.deepEqual(stale, []);
  });
});
