/**
 * Text from the network (titles, abstracts, author names) written into Markdown that VS Code renders or makes
 * clickable: notes, hovers, tooltips, completion documents. A link there can be `command:…` (Ctrl+Click in
 * the editor, or a click in a hover that trusts commands, runs it), `vscode:…` or `data:…`; only http, https
 * and mailto links are kept.
 */

const SAFE_LINK = /^(?:https?:\/\/|mailto:)/i;

/** Whether a link destination, as written, is one that may stay clickable (http, https, mailto). */
export function isSafeLink(destination: string): boolean {
  return SAFE_LINK.test(destination.trim());
}

/**
 * Network text shown as Markdown that renders as the same text: every character that could start Markdown
 * syntax is backslash-escaped, `<`, `>` and `&` are entities (no raw HTML, no `<command:…>` autolink, no
 * entity trick), and `$` is escaped so `$(icon)` is not drawn as an icon.
 */
export function markdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!~|$<>&]/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`,
  );
}

/**
 * Markdown from the network kept as Markdown (the abstract in a note keeps its math and emphasis), with every
 * way to make a link other than http, https or mailto taken apart:
 * - `<` becomes `&lt;`, so there is no raw HTML (`<a href>`) and no autolink (`<command:…>`);
 * - an inline link or image `[text](dest)` to another scheme keeps its text, its `](` written `]&#40;`
 *   (shown the same, no longer a link; a backslash would open `\(` math);
 * - a reference definition `[id]: dest` to another scheme gets its `[` escaped, so it defines nothing.
 */
export function neutraliseLinks(markdown: string): string {
  const text = markdown.replace(/</g, '&lt;');
  const inline = text.replace(/\]\(/g, (m, offset: number) =>
    isSafeLink(text.slice(offset + 2, offset + 2 + 16)) ? m : ']&#40;',
  );
  return inline.replace(
    /^((?: {0,3}>)* {0,3})\[([^\]\n]*)\]:[ \t]*(\S*)/gm,
    (m, lead: string, label: string, dest: string) =>
      isSafeLink(dest) ? m : `${lead}\\[${label}\\]:${m.slice(lead.length + label.length + 3)}`,
  );
}
