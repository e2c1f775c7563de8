import { MAX_REFERENCE_VALUES, type ReferenceTrack } from './previewProtocol';

/**
 * The truth overlay the preview draws over a run: the true system's (or a data file's) trajectory thinned to
 * what the plots can show, computed here where the comparisons are made; the preview protocol only carries it.
 */

/**
 * Keeps every `stride`-th of `steps` rows of `width` values (rows 0, stride, 2·stride, …), with the stride chosen
 * so that at most `maxValues` numbers remain.
 */
export function decimateReference(
  label: string,
  data: ArrayLike<number>,
  steps: number,
  width: number,
  maxValues = MAX_REFERENCE_VALUES,
): ReferenceTrack {
  const stride = Math.max(1, Math.ceil((steps * width) / maxValues));
  const rows = Math.ceil(steps / stride);
  const out = new Float32Array(rows * width);
  for (let i = 0; i < rows; i++) for (let j = 0; j < width; j++) out[i * width + j] = data[i * stride * width + j];
  return { label, stride, rows, width, data: out };
}
