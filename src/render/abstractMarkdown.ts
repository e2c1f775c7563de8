import { repairHfTex } from './texRepair';

/**
 * An abstract as portable Markdown: TeX repaired, and math written with dollars (`$…$`, `$$…$$`) whatever
 * delimiters the source used, since that is what Markdown editors, notes and most renderers understand.
 */
export function abstractAsMarkdown(abstract: string): string {
  return repairHfTex(abstract)
    .replace(/\\\[([\s\S]+?)\\\]/g, (_m, tex: string) => `$$${tex.trim()}$$`)
    .replace(/\\\(([\s\S]+?)\\\)/g, (_m, tex: string) => `$${tex.trim()}$`);
}
