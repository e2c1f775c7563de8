import * as fs from 'fs';
import * as path from 'path';

/** The repository root: the first folder above this file with a package.json (out/ has none). */
export const repoRoot: string = (() => {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
})();

export const codeServerEntry = path.join(
  repoRoot,
  '.vscode-test',
  'node_modules',
  'code-server',
  'out',
  'node',
  'entry.js',
);

/** Git-ignored folder for screenshots, logs and JSON summaries of test runs. */
export const resultsDir = path.join(repoRoot, 'test-results');

export function readPackageJson(dir = repoRoot): {
  name: string;
  publisher: string;
  version: string;
  [key: string]: unknown;
} {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
}

/** `attractor-dev.attractor` */
export function extensionId(dir = repoRoot): string {
  const pkg = readPackageJson(dir);
  return `${pkg.publisher}.${pkg.name}`;
}

/** `attractor-dev.attractor-0.1.0`: the folder name VS Code expects in an extensions dir. */
export function extensionFolderName(dir = repoRoot): string {
  return `${extensionId(dir)}-${readPackageJson(dir).version}`;
}

/** Makes a string safe as a single file name. */
export function fileSafe(name: string): string {
  return (
    name
      .replace(/[^\w.-]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 150) || 'unnamed'
  );
}
