/**
 * arXiv API query syntax (`search_query`), checked before a query feed is saved so that a typo is reported in
 * the input box, not as an error row after a request. The grammar is the API manual's: terms `field:value`
 * (a word, or a phrase in double quotes), joined by AND, OR and ANDNOT, grouped with parentheses.
 */

/** The field prefixes the arXiv API knows. */
export const ARXIV_FIELDS = ['ti', 'au', 'abs', 'co', 'jr', 'cat', 'rn', 'id', 'all'] as const;
const OPERATORS = new Set(['AND', 'OR', 'ANDNOT']);
export const MAX_QUERY_CHARS = 1000;

type Token = { kind: 'open' | 'close' | 'op' | 'term'; text: string };

function tokenize(query: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'open' : 'close', text: c });
      i++;
    } else {
      const field = /^([A-Za-z]+):/.exec(query.slice(i));
      if (!field) {
        const word = /^[^\s()]+/.exec(query.slice(i))![0];
        if (OPERATORS.has(word)) {
          tokens.push({ kind: 'op', text: word });
          i += word.length;
          continue;
        }
        if (OPERATORS.has(word.toUpperCase()))
          return `Write the operator "${word}" in capitals: ${word.toUpperCase()}.`;
        return `"${word}" has no field: write it as abs:${word.replace(/"/g, '')} (or all:, ti:, au:, cat:).`;
      }
      const name = field[1];
      if (!(ARXIV_FIELDS as readonly string[]).includes(name))
        return `Unknown field "${name}:". Use one of ${ARXIV_FIELDS.map((f) => `${f}:`).join(' ')}.`;
      let j = i + field[0].length;
      if (query[j] === '"') {
        const close = query.indexOf('"', j + 1);
        if (close < 0) return `The phrase after ${name}: has no closing quote.`;
        if (!query.slice(j + 1, close).trim()) return `The phrase after ${name}: is empty.`;
        j = close + 1;
      } else {
        const value = /^[^\s()"]*/.exec(query.slice(j))![0];
        if (!value) return `${name}: needs a value, e.g. ${name === 'cat' ? 'cat:nlin.CD' : `${name}:koopman`}.`;
        j += value.length;
      }
      tokens.push({ kind: 'term', text: query.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

/**
 * Why `query` is not a valid arXiv query (a sentence saying what to change), or undefined when it is.
 * `cat:nlin.CD AND abs:koopman`, `au:durstewitz ANDNOT ti:review`, `cat:math.DS AND (abs:"reservoir computing" OR abs:koopman)`.
 */
export function arxivQueryProblem(query: string): string | undefined {
  const q = query.trim();
  if (!q) return 'Enter an arXiv query, e.g. cat:nlin.CD AND abs:koopman.';
  if (q.length > MAX_QUERY_CHARS) return `The query is longer than ${MAX_QUERY_CHARS} characters.`;
  const tokens = tokenize(q);
  if (typeof tokens === 'string') return tokens;
  let pos = 0;
  // expr := operand (op operand)*; operand := term | '(' expr ')'
  const expr = (depth: number): string | undefined => {
    for (;;) {
      const t = tokens[pos];
      if (!t)
        return depth > 0 || pos === 0
          ? 'The query ends where a term is expected.'
          : 'The query ends after an operator.';
      if (t.kind === 'op') return `"${t.text}" needs a term before it.`;
      if (t.kind === 'close') return 'A ")" comes where a term is expected.';
      pos++;
      if (t.kind === 'open') {
        const inner = expr(depth + 1);
        if (inner) return inner;
        if (tokens[pos]?.kind !== 'close') return 'A "(" is not closed.';
        pos++;
      }
      const next = tokens[pos];
      if (!next || next.kind === 'close') return undefined;
      if (next.kind !== 'op') return `Join "${tokens[pos - 1].text}" and "${next.text}" with AND, OR or ANDNOT.`;
      pos++;
      if (!tokens[pos]) return `"${next.text}" needs a term after it.`;
    }
  };
  const problem = expr(0);
  if (problem) return problem;
  if (pos < tokens.length) return 'A ")" has no matching "(".';
  return undefined;
}
