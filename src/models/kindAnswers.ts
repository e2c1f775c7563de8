import * as vscode from 'vscode';
import type { ModelKind } from './signature';

/** The user's answer to "map or flow?" for a model without dynamics.kind, remembered per file (workspace state). */
export class KindAnswers {
  constructor(private readonly state: vscode.Memento) {}

  private key(uri: vscode.Uri): string {
    return `attractor.models.kind:${uri.toString()}`;
  }

  get(uri: vscode.Uri): 'map' | 'flow' | undefined {
    const v = this.state.get<string>(this.key(uri));
    return v === 'map' || v === 'flow' ? v : undefined;
  }

  async set(uri: vscode.Uri, kind: 'map' | 'flow'): Promise<void> {
    await this.state.update(this.key(uri), kind);
  }

  /** Asks once; undefined when the user dismissed the question. */
  async ask(uri: vscode.Uri, guess: ModelKind): Promise<'map' | 'flow' | undefined> {
    const items: (vscode.QuickPickItem & { answer: 'map' | 'flow' })[] = [
      { label: 'map', description: 'x_t → x_{t+1}: Attractor iterates it', answer: 'map' },
      { label: 'flow', description: 'x → dx/dt: Attractor integrates it with RK4', answer: 'flow' },
    ];
    if (guess === 'flow') items.reverse();
    const name = uri.path.split('/').pop();
    const picked = await vscode.window.showQuickPick(items, {
      title: `Is ${name} a map or a flow?`,
      placeHolder:
        'Its shapes fit both and it has no dynamics.kind metadata; Attractor remembers your answer for this file.',
      ignoreFocusOut: true,
    });
    if (picked) await this.set(uri, picked.answer);
    return picked?.answer;
  }
}
