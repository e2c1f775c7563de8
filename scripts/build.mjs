// Builds the extension host bundle (Node, CommonJS) and the webview bundles (browser, IIFE).
// Usage: node scripts/build.mjs [--watch] [--production]
import { build, context } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

const host = {
  ...common,
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.js',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // onnxruntime-node loads its native binding by a relative path, so it ships as a folder, not bundled.
  external: ['vscode', 'onnxruntime-node'],
};

const webviews = {
  ...common,
  entryPoints: { paper: 'webview/paper/main.ts', modelPreview: 'webview/model/preview.ts', modelCard: 'webview/model/card.ts' },
  outdir: 'dist/webview',
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
};

/** KaTeX's stylesheet and fonts are served to webviews from dist/, inside localResourceRoots. */
function copyKatexAssets() {
  const from = join(root, 'node_modules', 'katex', 'dist');
  const to = join(root, 'dist', 'webview', 'katex');
  mkdirSync(to, { recursive: true });
  cpSync(join(from, 'katex.min.css'), join(to, 'katex.min.css'));
  cpSync(join(from, 'fonts'), join(to, 'fonts'), { recursive: true, filter: (p) => !/\.(ttf|woff)$/.test(p) });
}

/** Logs the markers the F5 background task waits for. */
const watchMarkers = {
  name: 'watch-markers',
  setup(b) {
    b.onStart(() => console.log('[watch] build started'));
    b.onEnd((r) => console.log(`[watch] build finished with ${r.errors.length} errors`));
  },
};

rmSync(join(root, 'dist'), { recursive: true, force: true });
copyKatexAssets();
if (watch) {
  const contexts = await Promise.all([host, webviews].map((o) => context({ ...o, plugins: [watchMarkers] })));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all([build(host), build(webviews)]);
}
