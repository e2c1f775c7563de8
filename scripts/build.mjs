// Builds the extension host bundle (Node, CommonJS) and the webview bundles (browser, IIFE).
// Usage: node scripts/build.mjs [--watch] [--production]
import { build, context } from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';
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

/**
 * Libraries the host only needs after a user action (rendering, parsing arXiv's Atom) are bundled on their own
 * into dist/vendor/, so loading the extension does not parse them; the host bundle requires them lazily.
 */
const VENDORED = {
  katex: 'katex',
  'markdown-it': 'markdown-it',
  'fast-xml-parser': 'fast-xml-parser',
  // onnx-proto and the protobufjs Reader it decodes with share one protobufjs, so they share one file.
  'onnx-proto': 'protobuf',
  'protobufjs/minimal': 'protobuf',
};

const vendorAsLazyFile = {
  name: 'vendor-as-lazy-file',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(VENDORED).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: `./vendor/${VENDORED[args.path]}.js`, external: true }));
  },
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

const host = {
  ...node,
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.js',
  // onnxruntime-node and libsql (SQLite) load their native bindings by path or package name, so they ship as
  // folders, not bundled.
  external: ['vscode', 'onnxruntime-node', 'libsql'],
  plugins: [vendorAsLazyFile],
};

/**
 * The render worker (src/render/lazyRenderer.ts starts it on the first render): markdown-it and KaTeX run
 * there, off the extension host's thread, loading the same dist/vendor/ files the host would.
 */
const renderWorker = {
  ...node,
  entryPoints: ['src/render/renderWorker.ts'],
  outfile: 'dist/renderWorker.js',
  plugins: [vendorAsLazyFile],
};

// The search index's worker thread (src/papers/search/lazySearch.ts starts it from dist/).
const indexWorker = {
  ...node,
  entryPoints: ['src/papers/search/indexWorker.ts'],
  outfile: 'dist/indexWorker.js',
  external: ['libsql'],
};

// The models' worker thread (src/models/offThread.ts starts it from dist/ for each job: a run's scores, eigenvalues).
const jobWorker = {
  ...node,
  entryPoints: ['src/models/jobWorker.ts'],
  outfile: 'dist/jobWorker.js',
};

const vendors = {
  ...node,
  entryPoints: {
    katex: 'katex',
    'markdown-it': 'markdown-it',
    'fast-xml-parser': 'fast-xml-parser',
    protobuf: 'scripts/vendor/protobuf.js',
  },
  outdir: 'dist/vendor',
};

const webviews = {
  ...common,
  // minified in every build: Chromium parses a webview's script before it draws anything (pdf.js is 1.5 MB
  // unminified), and the source map still maps it back for debugging
  minify: true,
  entryPoints: {
    paper: 'webview/paper/main.ts',
    modelPreview: 'webview/model/preview.ts',
    modelCard: 'webview/model/card.ts',
    pdf: 'webview/pdf/main.ts',
  },
  outdir: 'dist/webview',
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
};

/** KaTeX's stylesheet and fonts, uPlot's stylesheet and the codicon font are served to webviews from dist/webview/. */
function copyWebviewAssets() {
  const katex = join(root, 'node_modules', 'katex', 'dist');
  const to = join(root, 'dist', 'webview');
  mkdirSync(join(to, 'katex'), { recursive: true });
  cpSync(join(katex, 'katex.min.css'), join(to, 'katex', 'katex.min.css'));
  cpSync(join(katex, 'fonts'), join(to, 'katex', 'fonts'), {
    recursive: true,
    filter: (p) => !/\.(ttf|woff)$/.test(p),
  });
  mkdirSync(join(to, 'uplot'), { recursive: true });
  cpSync(join(root, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), join(to, 'uplot', 'uPlot.min.css'));
  const codicons = join(root, 'node_modules', '@vscode', 'codicons', 'dist');
  mkdirSync(join(to, 'codicons'), { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) cpSync(join(codicons, file), join(to, 'codicons', file));
  // pdf.js's worker (started by the PDF editor from a blob of this file), its stylesheet, the standard fonts
  // PDFs name without embedding and the CJK character maps: the legacy build, which Electron's Chromium runs.
  const pdfjs = join(root, 'node_modules', 'pdfjs-dist');
  mkdirSync(join(to, 'pdfjs'), { recursive: true });
  cpSync(join(pdfjs, 'legacy', 'build', 'pdf.worker.min.mjs'), join(to, 'pdfjs', 'pdf.worker.mjs'));
  cpSync(join(pdfjs, 'legacy', 'web', 'pdf_viewer.css'), join(to, 'pdfjs', 'pdf_viewer.css'));
  for (const dir of ['standard_fonts', 'cmaps']) cpSync(join(pdfjs, dir), join(to, 'pdfjs', dir), { recursive: true });
  cpSync(join(pdfjs, 'legacy', 'web', 'images'), join(to, 'pdfjs', 'images'), { recursive: true });
}

/** Logs the markers the F5 background task waits for. */
const watchMarkers = {
  name: 'watch-markers',
  setup(b) {
    b.onStart(() => console.log('[watch] build started'));
    b.onEnd((r) => console.log(`[watch] build finished with ${r.errors.length} errors`));
  },
};

// dist/ is overwritten in place, never deleted first: a running test host keeps its files.
copyWebviewAssets();
const targets = [host, renderWorker, indexWorker, jobWorker, vendors, webviews];
if (watch) {
  const contexts = await Promise.all(
    targets.map((o) => context({ ...o, plugins: [...(o.plugins ?? []), watchMarkers] })),
  );
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(targets.map((o) => build(o)));
}
