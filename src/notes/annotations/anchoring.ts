/**
 * Anchors annotations to text by what they quote, not by offsets: the quoted passage with some text before
 * and after it (the W3C Web Annotation "TextQuoteSelector" idea) plus the last known offset as a tie-breaker.
 * After the note is edited the passage is found again wherever it moved; if it no longer exists the anchor is
 * reported as orphaned, never guessed.
 */

export interface TextAnchor {
  /** The annotated passage, exactly as it was in the note. */
  readonly quote: string;
  /** Up to CONTEXT characters before the passage. */
  readonly prefix: string;
  /** Up to CONTEXT characters after the passage. */
  readonly suffix: string;
  /** Where the passage started when last seen. */
  readonly offset: number;
}

export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

export const CONTEXT = 32;
/** Occurrences of a quote considered; a quote found more often than this is too short to place reliably. */
const MAX_CANDIDATES = 500;

export function captureAnchor(text: string, start: number, end: number): TextAnchor {
  return {
    quote: text.slice(start, end),
    prefix: text.slice(Math.max(0, start - CONTEXT), start),
    suffix: text.slice(end, end + CONTEXT),
    offset: start,
  };
}

/**
 * The text with whitespace runs and blockquote markers (`\n> `) collapsed to one space, and for each character
 * of the result its offset in the original: a passage that was re-wrapped is still the same passage.
 */
function normalise(text: string): { text: string; map: number[] } {
  let out = '';
  const map: number[] = [];
  let i = 0;
  while (i < text.length) {
    const ws = /^(?:\s*\n[ \t]*(?:>[ \t]?)*|\s+)/.exec(text.slice(i, i + 200));
    if (ws && ws[0].length > 0 && /\s/.test(text[i])) {
      if (out.length > 0 && !out.endsWith(' ')) {
        out += ' ';
        map.push(i);
      }
      i += ws[0].length;
      continue;
    }
    out += text[i];
    map.push(i);
    i++;
  }
  map.push(text.length);
  return { text: out, map };
}

function occurrences(haystack: string, needle: string): number[] {
  const found: number[] = [];
  for (
    let at = haystack.indexOf(needle);
    at >= 0 && found.length < MAX_CANDIDATES;
    at = haystack.indexOf(needle, at + 1)
  ) {
    found.push(at);
  }
  return found;
}

function commonSuffix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

function best(text: string, anchor: TextAnchor, spans: readonly TextSpan[]): TextSpan | undefined {
  let chosen: TextSpan | undefined;
  let chosenScore = -Infinity;
  const prefix = normalise(anchor.prefix).text.trimStart();
  const suffix = normalise(anchor.suffix).text.trimEnd();
  for (const span of spans) {
    const before = normalise(text.slice(Math.max(0, span.start - CONTEXT * 2), span.start)).text;
    const after = normalise(text.slice(span.end, span.end + CONTEXT * 2)).text;
    const context = commonSuffix(before, prefix) + commonPrefix(after, suffix);
    // Context decides; the distance from the last known place only breaks ties.
    const score = context - Math.abs(span.start - anchor.offset) / (text.length + 1);
    if (score > chosenScore) {
      chosen = span;
      chosenScore = score;
    }
  }
  return chosen;
}

/** Where the anchored passage is now, or undefined when it is gone (an orphaned annotation). */
export function resolveAnchor(text: string, anchor: TextAnchor): TextSpan | undefined {
  if (anchor.quote.trim() === '') return undefined;
  const exact = occurrences(text, anchor.quote).map((start) => ({ start, end: start + anchor.quote.length }));
  if (exact.length > 0) return best(text, anchor, exact);

  // The passage may have been re-wrapped or re-indented: compare with whitespace collapsed.
  const hay = normalise(text);
  const needle = normalise(anchor.quote).text.trim();
  if (!needle) return undefined;
  const loose = occurrences(hay.text, needle).map((at) => ({
    start: hay.map[at],
    end: hay.map[at + needle.length - 1] + 1,
  }));
  return loose.length > 0 ? best(text, anchor, loose) : undefined;
}

/**
 * Finds text selected in a rendered view (the abstract panel) in the Markdown source of a note: markup the
 * rendering removed (`*`, `$`, quote markers, line breaks) is ignored. Returns the source span, or undefined.
 */
export function locateRenderedText(source: string, rendered: string, near = 0): TextSpan | undefined {
  const strip = (s: string) => normalise(s.replace(/[*$]/g, '')).text.trim();
  const needle = strip(rendered);
  if (!needle) return undefined;
  // Map positions of the stripped source back to the original.
  const kept: number[] = [];
  let plain = '';
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '*' || source[i] === '$') continue;
    plain += source[i];
    kept.push(i);
  }
  kept.push(source.length);
  const hay = normalise(plain);
  const hits = occurrences(hay.text, needle);
  if (hits.length === 0) return undefined;
  const toSource = (at: number) => kept[hay.map[at]];
  const spans = hits.map((at) => {
    let start = toSource(at);
    let end = toSource(at + needle.length - 1) + 1;
    // Take back the markup that wraps the passage, so `$x$` or `**L**` is quoted whole.
    while (start > 0 && (source[start - 1] === '$' || source[start - 1] === '*') && source[start - 1] !== '\n') start--;
    while (end < source.length && (source[end] === '$' || source[end] === '*')) end++;
    return { start, end };
  });
  return spans.reduce((a, b) => (Math.abs(b.start - near) < Math.abs(a.start - near) ? b : a));
}
