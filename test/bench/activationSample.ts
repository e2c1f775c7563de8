/**
 * One activation sample for activation.bench. Runs in a fresh Node process per sample: loads the extension bundle against a do-nothing `vscode` stub,
 * calls activate(), and optionally renders one abstract (which loads markdown-it and KaTeX).
 * Prints JSON timings in milliseconds.
 */
import Module = require('node:module');
import { join } from 'node:path';

interface Stub {
  (...args: unknown[]): Stub;
  [key: string]: Stub;
}
const stub: Stub = new Proxy(function () {} as unknown as Stub, {
  get: (_t, key) => (key === 'then' ? undefined : stub),
  apply: () => stub,
  construct: () => stub,
});

/** The bundle copies the module's own keys (esbuild's ESM interop), so the names it uses must exist. */
const vscodeModule = Object.fromEntries(
  [
    'window',
    'commands',
    'env',
    'workspace',
    'Uri',
    'TreeItem',
    'TreeItemCollapsibleState',
    'ThemeIcon',
    'ThemeColor',
    'EventEmitter',
    'MarkdownString',
    'ViewColumn',
    // notes and annotations
    'Disposable',
    'languages',
    'comments',
    'RelativePattern',
    'FileDecoration',
    'OverviewRulerLane',
    'Range',
    'Position',
    'Selection',
    'Location',
    'Hover',
    'CompletionItem',
    'CompletionItemKind',
    'CommentMode',
    'CommentThreadState',
    'CommentThreadCollapsibleState',
    'FileSystemError',
    'TextEditorRevealType',
    'ConfigurationTarget',
  ].map((k) => [k, stub]),
);
const loader = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
const originalLoad = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? vscodeModule : originalLoad.call(this, request, ...rest);
};

async function main(): Promise<void> {
  const root = join(__dirname, '..', '..', '..');
  const t0 = performance.now();
  const ext = require(join(root, 'dist', 'extension.js')) as { activate(ctx: unknown): unknown };
  ext.activate({ subscriptions: [], extensionPath: root, extensionUri: stub });
  const activateMs = performance.now() - t0;
  let firstRenderMs = 0;
  if (process.argv.includes('--render')) {
    const { LazyRenderer } = require(
      join(root, 'out', 'src', 'render', 'lazyRenderer.js'),
    ) as typeof import('../../src/render/lazyRenderer');
    const t1 = performance.now();
    const renderer = new LazyRenderer();
    await renderer.render('Lorenz-63 with $\\sigma = 10$ and $$\\dot x = \\sigma (y - x)$$');
    firstRenderMs = performance.now() - t1;
    renderer.dispose();
  }
  process.stdout.write(JSON.stringify({ activateMs, firstRenderMs }));
}

void main();
