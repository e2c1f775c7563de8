import * as vscode from 'vscode';
import type { Command } from '../../commands/registry';
import { originOf } from '../../core/http';
import { tokenDecision } from '../sources/tokenOrigin';
import type { PapersCommandContext } from './papersCommandContext';

/** The Hugging Face token, kept in secret storage and bound to the endpoint's origin it was set for. */
export function hubTokenCommands(ctx: PapersCommandContext): Command[] {
  return [
    {
      id: 'attractor.setHuggingFaceToken',
      what: 'Could not save the token',
      run: async () => {
        const token = await vscode.window.showInputBox({
          title: 'Hugging Face Token',
          prompt: "An access token (read scope is enough). Stored in VS Code's secret storage, never in settings.",
          password: true,
          ignoreFocusOut: true,
          validateInput: (v) => (/^\S{8,}$/.test(v.trim()) ? undefined : 'Paste the token (no spaces)'),
        });
        if (!token?.trim()) return;
        const endpoint = ctx.settings.current.huggingfaceEndpoint;
        const origin = originOf(endpoint);
        if (!origin || tokenDecision(endpoint, origin).action === 'never') {
          void vscode.window.showErrorMessage(
            `Attractor: the token was not saved: the Hugging Face endpoint ${endpoint} is plain http, which would send it in clear. Use an https endpoint (setting attractor.huggingface.endpoint).`,
          );
          return;
        }
        await ctx.hubToken.set(token.trim(), origin);
        void vscode.window.showInformationMessage(
          `Attractor: Hugging Face token saved in secret storage, for ${origin} only.`,
        );
      },
    },
    {
      id: 'attractor.clearHuggingFaceToken',
      what: 'Could not remove the token',
      run: async () => {
        await ctx.hubToken.clear();
        void vscode.window.showInformationMessage('Attractor: Hugging Face token removed.');
      },
    },
  ];
}
