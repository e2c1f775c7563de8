/**
 * Many short strings held as one: their concatenation and where each starts (in UTF-16 code units). A
 * vocabulary or id list of 100,000 entries is then two objects for the collector instead of 100,000, and reads
 * back from a snapshot's bytes in one decode (no JSON). Strings are compared in JavaScript's order (code units),
 * without slicing them out.
 */
export class PackedStrings {
  constructor(
    readonly text: string,
    /** Start of each string in `text` (length count + 1). */
    readonly offsets: Int32Array,
  ) {
    if (offsets.length === 0 || offsets[offsets.length - 1] !== text.length || offsets[0] !== 0)
      throw new Error('packed strings: offsets do not fit the text');
  }

  static from(strings: readonly string[]): PackedStrings {
    const offsets = new Int32Array(strings.length + 1);
    let at = 0;
    for (let i = 0; i < strings.length; i++) offsets[i + 1] = at += strings[i].length;
    return new PackedStrings(strings.join(''), offsets);
  }

  get length(): number {
    return this.offsets.length - 1;
  }

  get(i: number): string {
    return this.text.slice(this.offsets[i], this.offsets[i + 1]);
  }

  lengthAt(i: number): number {
    return this.offsets[i + 1] - this.offsets[i];
  }

  /** Negative, zero or positive as string i sorts before, as or after `s` (the order of `<` on strings). */
  compare(i: number, s: string): number {
    const { text } = this;
    const start = this.offsets[i];
    const len = this.offsets[i + 1] - start;
    const n = Math.min(len, s.length);
    for (let k = 0; k < n; k++) {
      const d = text.charCodeAt(start + k) - s.charCodeAt(k);
      if (d !== 0) return d;
    }
    return len - s.length;
  }

  equals(i: number, s: string): boolean {
    return this.lengthAt(i) === s.length && this.text.startsWith(s, this.offsets[i]);
  }

  startsWith(i: number, prefix: string): boolean {
    return this.lengthAt(i) >= prefix.length && this.text.startsWith(prefix, this.offsets[i]);
  }
}
