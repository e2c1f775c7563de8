import * as assert from 'node:assert/strict';
import { captureAnchor, locateRenderedText, resolveAnchor } from '../../src/notes/annotations/anchoring';
import {
  AnnotationFileError,
  emptyAnnotationFile,
  parseAnnotationFile,
  serializeAnnotationFile,
} from '../../src/notes/annotations/annotationFile';

const NOTE = `---
id: "x"
---

## Abstract

> The cluster has a 1D velocity dispersion of $3.42\\pm 0.10$ km/s, suggesting
> it is subvirial. The cluster is young.

## Notes

The cluster is old, says the other paper.
`;

function anchorOf(text: string, passage: string, occurrence = 0) {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = text.indexOf(passage, at + 1);
  assert.ok(at >= 0, passage);
  return captureAnchor(text, at, at + passage.length);
}

const slice = (text: string, span: { start: number; end: number } | undefined) =>
  span ? text.slice(span.start, span.end) : undefined;

describe('annotation anchoring', () => {
  it('finds the passage where it was', () => {
    const a = anchorOf(NOTE, 'velocity dispersion');
    assert.deepEqual(resolveAnchor(NOTE, a), { start: a.offset, end: a.offset + 'velocity dispersion'.length });
  });

  it('re-attaches after text is inserted and deleted around it', () => {
    const a = anchorOf(NOTE, 'it is subvirial');
    const edited = NOTE.replace('## Abstract', '## Abstract\n\nAdded a long paragraph before the quote.\n').replace(
      ' The cluster is young.',
      '',
    );
    assert.equal(slice(edited, resolveAnchor(edited, a)), 'it is subvirial');
    assert.ok(resolveAnchor(edited, a)!.start > a.offset);
  });

  it('tells repeated passages apart by their context, not their offset', () => {
    const second = anchorOf(NOTE, 'The cluster is', 1); // in the user's notes
    const edited = `${NOTE.replace('## Abstract', '## Abstract\n\nThe cluster is big.')}\nThe cluster is mentioned at the end.\n`;
    const span = resolveAnchor(edited, second)!;
    assert.equal(edited.slice(span.start, span.start + 'The cluster is old'.length), 'The cluster is old');
    const first = anchorOf(NOTE, 'The cluster', 0);
    assert.equal(
      edited.slice(resolveAnchor(edited, first)!.start, resolveAnchor(edited, first)!.start + 20),
      'The cluster has a 1D',
    );
  });

  it('survives re-wrapping of a quoted passage', () => {
    const a = anchorOf(NOTE, 'suggesting\n> it is');
    const rewrapped = NOTE.replace('suggesting\n> it is', 'suggesting it\n> is');
    assert.equal(slice(rewrapped, resolveAnchor(rewrapped, a)), 'suggesting it\n> is');
  });

  it('reports an orphan when the passage is gone, and re-attaches when it comes back', () => {
    const a = anchorOf(NOTE, 'velocity dispersion');
    const gone = NOTE.replace('velocity dispersion', 'speed spread');
    assert.equal(resolveAnchor(gone, a), undefined);
    assert.equal(slice(NOTE, resolveAnchor(NOTE, a)), 'velocity dispersion');
    assert.equal(resolveAnchor(NOTE, { quote: '  ', prefix: '', suffix: '', offset: 0 }), undefined);
  });

  it('finds text selected in the rendered abstract in the Markdown source', () => {
    const math = locateRenderedText(NOTE, 'of 3.42\\pm 0.10 km/s, suggesting it');
    assert.equal(slice(NOTE, math), 'of $3.42\\pm 0.10$ km/s, suggesting\n> it');
    const bold = locateRenderedText('> (I) **L**azy learning', 'Lazy learning');
    assert.equal(slice('> (I) **L**azy learning', bold), '**L**azy learning');
    assert.equal(locateRenderedText(NOTE, 'not in the note'), undefined);
  });
});

describe('annotation file', () => {
  it('round-trips annotations and keeps entries it cannot read', () => {
    const text = JSON.stringify({
      version: 1,
      note: 'x.md',
      annotations: [
        {
          id: 'a',
          quote: 'q',
          prefix: 'p',
          suffix: 's',
          offset: 3,
          resolved: true,
          created: 't',
          comments: [{ id: 'c', author: 'me', body: 'hello', created: 't' }],
        },
        { id: 'future', selector: { type: 'something new' } },
      ],
    });
    const file = parseAnnotationFile(text, 'x.md');
    assert.equal(file.annotations.length, 1);
    assert.equal(file.annotations[0].anchor.quote, 'q');
    assert.equal(file.annotations[0].resolved, true);
    assert.equal(file.unreadable.length, 1);
    const again = parseAnnotationFile(serializeAnnotationFile(file), 'x.md');
    assert.deepEqual(again, file);
    assert.match(serializeAnnotationFile(file), /"selector"/);
  });

  it('refuses what it cannot understand instead of overwriting it', () => {
    assert.throws(() => parseAnnotationFile('{not json', 'x.md'), AnnotationFileError);
    assert.throws(() => parseAnnotationFile('{"version": 99, "annotations": []}', 'x.md'), AnnotationFileError);
    assert.throws(() => parseAnnotationFile('[]', 'x.md'), AnnotationFileError);
    assert.deepEqual(
      parseAnnotationFile(serializeAnnotationFile(emptyAnnotationFile('n.md')), 'n.md'),
      emptyAnnotationFile('n.md'),
    );
  });
});
