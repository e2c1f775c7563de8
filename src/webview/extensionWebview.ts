import * as vscode from 'vscode';
import { createNonce, renderShell } from './webviewHtml';

/** Only the built webview bundles and the extension's media may be loaded into an Attractor webview. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
      vscode.Uri.joinPath(extensionUri, 'media'),
    ],
  };
}

export interface ExtensionWebviewPage {
  readonly title: string;
  /** Bundle name in dist/webview/, e.g. `paper` for dist/webview/paper.js. */
  readonly script: string;
  /** Stylesheets, as paths inside the extension. */
  readonly styles: readonly (readonly string[])[];
  readonly body: string;
  /** See WebviewShell.worker. */
  readonly worker?: boolean;
}

/** The HTML of an Attractor webview: the strict shell with a fresh nonce, its bundle, styles and codicons. */
export function extensionWebviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  page: ExtensionWebviewPage,
): string {
  const asset = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  return renderShell({
    title: page.title,
    cspSource: webview.cspSource,
    nonce: createNonce(),
    scriptUri: asset('dist', 'webview', `${page.script}.js`),
    styleUris: page.styles.map((path) => asset(...path)),
    codiconsUri: asset('dist', 'webview', 'codicons', 'codicon.css'),
    body: page.body,
    worker: page.worker,
  });
}
