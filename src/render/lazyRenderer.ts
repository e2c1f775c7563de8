/** Renders abstract Markdown (with math) to safe HTML. */
export type RenderMarkdown = (text: string) => string;

/**
 * Markdown-it and KaTeX are the heaviest modules of the host bundle: they load on the first render,
 * never at activation. One instance is owned by the extension and shared by every panel.
 */
export class LazyRenderer {
  private loading: Promise<RenderMarkdown> | undefined;

  get(): Promise<RenderMarkdown> {
    this.loading ??= import('./abstractRenderer.js').then((m) => {
      const md = m.createAbstractRenderer();
      return (text: string) => md.render(text);
    });
    return this.loading;
  }
}
