/**
 * The layer rule of ARCHITECTURE.md, checked by walking the import lines (ESLint checks the same from
 * scripts/layers.mjs): only the VS Code adapters import `vscode`; src/core/ imports nothing but itself and
 * packages.
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

  it('every adapter pattern names at least one file (a renamed file leaves no stale entry)', () => {
    const stale = layers.vscodeAdapters.filter((glob) => !files.some((f) => globToRegExp(glob).test(f)));
    assert.deepEqual(stale, []);
  });
});
