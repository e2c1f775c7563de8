/**
 * Which paper a model file belongs to, answered by providers so the model card needs to know nothing about the
 * library: a provider names the paper of a model file (from the zoo catalog or `dynamics.paper`) and opens it.
 * The card shows a link when one provider answers.
 */
import type { DynamicsMetadata } from './signature';

export interface ModelPaperLink {
  /** The paper's title (or `arXiv:ID` when only the id is known). */
  readonly title: string;
  /** How the model relates to it, e.g. "the method". */
  readonly detail?: string;
  /** Opens the paper's abstract panel (adding the paper to the library first when needed). */
  open(): Promise<void>;
}

export type ModelPaperLinkProvider = (model: {
  readonly file: string;
  readonly metadata: DynamicsMetadata;
}) => Promise<ModelPaperLink | undefined>;

export class ModelPaperLinks {
  private readonly providers = new Set<ModelPaperLinkProvider>();

  /** Returns a function that unregisters it. */
  register(provider: ModelPaperLinkProvider): () => void {
    this.providers.add(provider);
    return () => void this.providers.delete(provider);
  }

  /** The first provider's link; a provider that throws is skipped (`onError` hears about it). */
  async linkFor(
    model: { readonly file: string; readonly metadata: DynamicsMetadata },
    onError?: (err: unknown) => void,
  ): Promise<ModelPaperLink | undefined> {
    for (const provider of this.providers) {
      try {
        const link = await provider(model);
        if (link) return link;
      } catch (err) {
        onError?.(err);
      }
    }
    return undefined;
  }
}
