import { decodeModel } from '../../core/onnxBuild';
import type { onnx } from 'onnx-proto';

/**
 * Compares two encoded models: structure (nodes, inputs, outputs, metadata keys, doc string) must be equal;
 * float tensors may differ by `tolerance` relative to each tensor's largest magnitude; numeric metadata
 * (e.g. dynamics.initial_state) by the same relative tolerance. Returns what differs, empty when they match.
 */
export function compareModelBytes(a: Uint8Array, b: Uint8Array, tolerance: number): string[] {
  const ma = decodeModel(a);
  const mb = decodeModel(b);
  const problems: string[] = [];
  compareGraphs(ma.graph ?? undefined, mb.graph ?? undefined, tolerance, 'graph', problems);
  const metaA = new Map((ma.metadataProps ?? []).map((p) => [p.key, p.value ?? undefined]));
  const metaB = new Map((mb.metadataProps ?? []).map((p) => [p.key, p.value ?? undefined]));
  for (const key of new Set([...metaA.keys(), ...metaB.keys()])) {
    const va = metaA.get(key);
    const vb = metaB.get(key);
    if (va === vb) continue;
    const na = numbers(va);
    const nb = numbers(vb);
    if (na && nb && na.length === nb.length && maxRelDiff(na, nb) <= tolerance) continue;
    problems.push(`metadata ${key} differs`);
  }
  return problems;
}

function numbers(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
  } catch {
    /* not JSON */
  }
  return undefined;
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]), Math.abs(b[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

function floats(t: onnx.ITensorProto): Float32Array {
  const raw = t.rawData;
  if (raw && raw.length) return new Float32Array(Uint8Array.from(raw).buffer);
  return Float32Array.from(t.floatData ?? []);
}

function compareGraphs(
  a: onnx.IGraphProto | undefined,
  b: onnx.IGraphProto | undefined,
  tolerance: number,
  where: string,
  problems: string[],
): void {
  if (!a || !b) {
    if (a !== b) problems.push(`${where}: one model has no graph`);
    return;
  }
  const sig = (n: onnx.INodeProto) => `${n.opType}(${(n.input ?? []).join(',')})->${(n.output ?? []).join(',')}`;
  const na = a.node ?? [];
  const nb = b.node ?? [];
  if (na.length !== nb.length || na.some((n, i) => sig(n) !== sig(nb[i]))) {
    problems.push(`${where}: nodes differ`);
    return;
  }
  na.forEach((n, i) => {
    const ga = n.attribute?.find((x) => x.g)?.g ?? undefined;
    const gb = nb[i].attribute?.find((x) => x.g)?.g ?? undefined;
    if (ga || gb) compareGraphs(ga, gb, tolerance, `${where}/${n.opType}`, problems);
  });
  const ia = a.initializer ?? [];
  const ib = new Map((b.initializer ?? []).map((t) => [t.name, t]));
  if (ia.length !== ib.size) problems.push(`${where}: initializer count differs`);
  for (const t of ia) {
    const u = ib.get(t.name);
    if (!u) {
      problems.push(`${where}: initializer ${t.name} missing`);
      continue;
    }
    if ((t.dims ?? []).join('x') !== (u.dims ?? []).join('x') || t.dataType !== u.dataType) {
      problems.push(`${where}: initializer ${t.name} has another shape or type`);
      continue;
    }
    if (t.dataType !== 1) {
      if (Buffer.compare(Buffer.from(t.rawData ?? []), Buffer.from(u.rawData ?? [])) !== 0)
        problems.push(`${where}: ${t.name} differs`);
      continue;
    }
    const d = maxRelDiff(floats(t), floats(u));
    if (d > tolerance) problems.push(`${where}: ${t.name} differs by ${d.toExponential(2)} (relative) > ${tolerance}`);
  }
}
