import * as vscode from 'vscode';
import type { BearerAuth } from '../core/http';
import { DEFAULT_TOKEN_ORIGIN, tokenDecision } from './sources/tokenOrigin';

const TOKEN_KEY = 'attractor.huggingface.token';
const ORIGIN_KEY = 'attractor.huggingface.tokenOrigin';

/**
 * The Hugging Face token in secret storage, bound to the origin it was set for. A request to any other origin
 * gets it only after the user says so in a modal dialog (remembered until the window closes, either way), so a
 * changed endpoint never receives the token silently.
 */
export class HubTokenStore {
  private readonly allowed = new Set<string>();
  private readonly declined = new Set<string>();
  private readonly asking = new Map<string, Promise<boolean>>();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Saves the token for the origin of `endpoint` (the endpoint the user has set when they save it). */
  async set(token: string, origin: string): Promise<void> {
    await this.secrets.store(TOKEN_KEY, token);
    await this.secrets.store(ORIGIN_KEY, origin);
    this.allowed.clear();
    this.declined.clear();
  }

  async clear(): Promise<void> {
    await this.secrets.delete(TOKEN_KEY);
    await this.secrets.delete(ORIGIN_KEY);
    this.allowed.clear();
    this.declined.clear();
  }

  /** The token with the origin it may go to, for requests to `endpoint`; undefined when none may be sent. */
  async authFor(endpoint: string): Promise<BearerAuth | undefined> {
    const token = await this.secrets.get(TOKEN_KEY);
    if (!token) return undefined;
    const bound = (await this.secrets.get(ORIGIN_KEY)) ?? DEFAULT_TOKEN_ORIGIN;
    const decision = tokenDecision(endpoint, bound, this.allowed);
    if (decision.action === 'never' || !decision.origin) {
      this.log.warn(`The Hugging Face token is not sent to ${endpoint}: only over https (or to this machine).`);
      return undefined;
    }
    const origin = decision.origin;
    if (decision.action === 'send') return { token, origin };
    if (this.declined.has(origin)) return undefined;
    let pending = this.asking.get(origin);
    if (!pending) {
      pending = this.ask(origin, bound).finally(() => this.asking.delete(origin));
      this.asking.set(origin, pending);
    }
    return (await pending) ? { token, origin } : undefined;
  }

  private async ask(origin: string, bound: string): Promise<boolean> {
    const send = 'Send Token';
    const choice = await vscode.window.showWarningMessage(
      `Send your Hugging Face token to ${origin}?`,
      {
        modal: true,
        detail: `The token was set for ${bound}. The Hugging Face endpoint setting now names ${origin}; a server there would receive the token. Without it, public papers and models still load.`,
      },
      send,
    );
    const ok = choice === send;
    (ok ? this.allowed : this.declined).add(origin);
    this.log.info(`Hugging Face token for ${origin}: ${ok ? 'allowed' : 'not sent'} until the window closes.`);
    return ok;
  }
}
