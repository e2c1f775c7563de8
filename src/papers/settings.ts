import * as vscode from 'vscode';
import { userSetting } from '../util/userSettings';

export interface PaperSettings {
  readonly huggingfaceEndpoint: string;
  readonly arxivEndpoint: string;
  readonly crossrefEndpoint: string;
  readonly fetchOnOpen: boolean;
  readonly timeoutMs: number;
}

const DEFAULT_HF = 'https://huggingface.co';
const DEFAULT_ARXIV = 'https://export.arxiv.org';
const DEFAULT_CROSSREF = 'https://api.crossref.org';

function endpoint(value: unknown, fallback: string): string {
  if (typeof value !== 'string' || !value.trim()) return fallback;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString().replace(/\/+$/, '') : fallback;
  } catch {
    return fallback;
  }
}

/**
 * The papers settings, read through one typed accessor; `onDidChange` fires when any of them changes.
 *
 * `current` reads the configuration on every call instead of caching it: a cache cleared only by change events
 * kept the defaults when the values the extension host was started with were replaced without an event this
 * reader matched (seen in code-server, where user settings arrive over the remote connection), and reading is
 * a few microseconds. Whoever builds clients from these values compares them (`PaperClients`) to rebuild.
 */
export class PaperSettingsReader implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PaperSettings>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (
        [
          'attractor.huggingface',
          'attractor.arxiv',
          'attractor.crossref',
          'attractor.papers',
          'attractor.network',
        ].some((s) => e.affectsConfiguration(s))
      ) {
        this.changed.fire(this.current);
      }
    });
  }

  get current(): PaperSettings {
    const c = vscode.workspace.getConfiguration('attractor');
    const timeout = c.get<number>('network.timeoutSeconds', 20);
    return {
      // Where requests (and the token) go is the user's choice alone, never a workspace's.
      huggingfaceEndpoint: endpoint(userSetting('attractor', 'huggingface.endpoint'), DEFAULT_HF),
      arxivEndpoint: endpoint(userSetting('attractor', 'arxiv.endpoint'), DEFAULT_ARXIV),
      crossrefEndpoint: endpoint(userSetting('attractor', 'crossref.endpoint'), DEFAULT_CROSSREF),
      fetchOnOpen: c.get<boolean>('papers.fetchOnOpen', true),
      timeoutMs: Math.max(1, Math.min(300, Number.isFinite(timeout) ? timeout : 20)) * 1000,
    };
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
