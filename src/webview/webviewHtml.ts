import { randomBytes } from 'node:crypto';

/** A fresh nonce per render: only scripts carrying it may run. */
export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

export interface WebviewShell {
  readonly title: string;
  /** `webview.cspSource`: the origin the webview serves local resources from. */
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUris: readonly string[];
  /**
   * The codicon stylesheet (dist/webview/codicons/codicon.css), for `@vscode-elements` icons: the elements find
   * it by the id `vscode-codicon-stylesheet`.
   */
  readonly codiconsUri?: string;
  readonly body: string;
  /**
   * The page starts a worker from one of its own scripts (pdf.js): it may fetch its files from the extension
   * (`connect-src`, the worker's source and pdf.js's font data) and start a worker from a blob it made of them
   * (`worker-src blob:`). Workers cannot be started from the webview's resource origin directly.
   */
  readonly worker?: boolean;
}

/**
 * The strict policy every Attractor webview uses: nothing by default, scripts only with the nonce,
 * styles and fonts only from the extension. Inline style *attributes* are allowed because KaTeX positions
 * glyphs with them; inline scripts and event handlers never run.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string, worker = false): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'unsafe-inline'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    ...(worker ? [`connect-src ${cspSource}`, 'worker-src blob:'] : []),
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderShell(shell: WebviewShell): string {
  const links = shell.styleUris.map((u) => `<link rel="stylesheet" href="${escapeAttribute(u)}">`);
  if (shell.codiconsUri) {
    links.push(`<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${escapeAttribute(shell.codiconsUri)}">`);
  }
  const styles = links.join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(shell.cspSource, shell.nonce, shell.worker)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <title>${escapeAttribute(shell.title)}</title>
    ${styles}
  </head>
  <body>
    ${shell.body}
    <script nonce="${shell.nonce}" src="${escapeAttribute(shell.scriptUri)}"></script>
  </body>
</html>`;
}
