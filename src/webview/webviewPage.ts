import * as vscode from 'vscode';
import { Disposable } from '../util/disposable';
import { showError } from '../commands/showError';
import { extensionWebviewHtml, webviewOptions, type ExtensionWebviewPage } from './extensionWebview';

/** What every page needs from the extension. */
export interface PageHost {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
}

/** How a page reads what its webview sends. */
export interface PageProtocol<In> {
  /** The page as the log names it: "the paper panel". */
  readonly name: string;
  /** The protocol's parser (`*Protocol.ts`): the message, or undefined for anything it does not list. */
  readonly parse: (raw: unknown) => In | undefined;
}

type Ready = { readonly type: 'ready' };

/**
 * One Attractor webview, a panel's or a custom editor's: the one panel host. It gives the webview the narrow
 * options (scripts, only the extension's bundles and media as resources) and the strict shell, parses every
 * message with the page's protocol (anything else is logged and dropped, never handled), calls `ready` when the
 * page's script has started (the handshake: nothing is posted into a webview that cannot listen yet, and a
 * webview recreated after a reload asks again), reports a handler that threw, drops posts once the panel is
 * closed, and is disposed with its panel.
 */
export abstract class WebviewPage<In extends { readonly type: string }, Out> extends Disposable {
  protected constructor(
    readonly panel: vscode.WebviewPanel,
    protected readonly host: PageHost,
    private readonly protocol: PageProtocol<In>,
  ) {
    super();
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)));
    panel.webview.options = webviewOptions(host.extensionUri);
  }

  /** Shows `page` in the webview (a fresh nonce each time); its script then says `ready`. */
  protected setPage(page: ExtensionWebviewPage): void {
    this.panel.webview.html = extensionWebviewHtml(this.panel.webview, this.host.extensionUri, page);
  }

  private async receive(raw: unknown): Promise<void> {
    const message = this.protocol.parse(raw);
    if (!message) {
      this.host.log.warn(
        `Ignored an invalid message from ${this.protocol.name}: ${JSON.stringify(raw)?.slice(0, 200)}`,
      );
      return;
    }
    try {
      if (message.type === 'ready') await this.ready();
      else await this.handle(message as Exclude<In, Ready>);
    } catch (err) {
      await this.failed(err);
    }
  }

  /** The page's script is running: what it shows is sent now. */
  protected ready(): Promise<void> {
    return Promise.resolve();
  }

  /** Every other message, already validated. */
  protected abstract handle(message: Exclude<In, Ready>): Promise<void>;

  /** A handler threw: logged with its details and said in a message; a page that can say it in itself overrides. */
  protected failed(err: unknown): Promise<void> {
    const name = this.protocol.name;
    return showError(this.host.log, `${name.charAt(0).toUpperCase()}${name.slice(1)} failed`, err);
  }

  protected async post(message: Out): Promise<void> {
    if (!this.isDisposed) await this.panel.webview.postMessage(message);
  }
}

/**
 * The open pages of one kind by what they show (a paper id, a file): a second open of the same finds the first;
 * editors that may show one file several times keep each. Closed pages leave by themselves.
 */
export class OpenPages<P extends WebviewPage<{ readonly type: string }, unknown>> implements vscode.Disposable {
  private readonly pages = new Map<string, Set<P>>();

  add(key: string, page: P): P {
    const set = this.pages.get(key) ?? new Set<P>();
    set.add(page);
    this.pages.set(key, set);
    page.panel.onDidDispose(() => {
      set.delete(page);
      if (set.size === 0 && this.pages.get(key) === set) this.pages.delete(key);
    });
    return page;
  }

  has(key: string): boolean {
    return this.pages.has(key);
  }

  /** The first page showing `key`. */
  get(key: string): P | undefined {
    return this.of(key)[0];
  }

  /** Every page showing `key`. */
  of(key: string): P[] {
    return [...(this.pages.get(key) ?? [])];
  }

  all(): P[] {
    return [...this.pages.values()].flatMap((s) => [...s]);
  }

  /** The focused page, else (`orOnly`) the only one open: a palette command's target. */
  active(orOnly = false): P | undefined {
    const all = this.all();
    return all.find((p) => p.panel.active) ?? (orOnly && all.length === 1 ? all[0] : undefined);
  }

  dispose(): void {
    for (const page of this.all()) page.dispose();
    this.pages.clear();
  }
}

/**
 * Brings a panel kind's panels back after a window reload: `restore` makes the page from the saved state (checked
 * by the protocol's state parser), or returns undefined when there is nothing to show any more (the panel closes).
 */
export function restorePages(
  viewType: string,
  restore: (panel: vscode.WebviewPanel, state: unknown) => Promise<unknown> | unknown,
): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(viewType, {
    async deserializeWebviewPanel(panel, state) {
      if ((await restore(panel, state)) === undefined) panel.dispose();
    },
  });
}
