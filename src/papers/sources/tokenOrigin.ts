import { isLoopbackHost, originOf } from '../../core/http';

/** The origin a Hugging Face token is bound to when it was saved before origins were recorded. */
export const DEFAULT_TOKEN_ORIGIN = 'https://huggingface.co';

/**
 * What to do with the user's token for a request to `endpoint`:
 * - `send`: the endpoint is the origin the token was set for (or one the user allowed in this session);
 * - `ask`: another origin over https (or loopback http): the user decides before anything is sent;
 * - `never`: plain http to a host off this machine, or not a URL: the token would travel in clear.
 * Pure, so the policy is unit-tested; the vscode edge (`hubToken.ts`) asks and remembers the answer.
 */
export function tokenDecision(
  endpoint: string,
  boundOrigin: string,
  allowedThisSession: ReadonlySet<string> = new Set(),
): { readonly action: 'send' | 'ask' | 'never'; readonly origin?: string } {
  const origin = originOf(endpoint);
  if (!origin) return { action: 'never' };
  const url = new URL(origin);
  if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) return { action: 'never', origin };
  if (origin === boundOrigin || allowedThisSession.has(origin)) return { action: 'send', origin };
  return { action: 'ask', origin };
}
