/**
 * Typed failures of model inspection and previews. Each carries the sentence a person reads (`message`)
 * and, separately, the technical detail that goes to the log.
 */

export type ModelFileProblem = 'empty' | 'notOnnx' | 'truncated' | 'missing';

/** The file is not something we can read as ONNX. */
export class ModelFileError extends Error {
  constructor(
    readonly problem: ModelFileProblem,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'ModelFileError';
  }
}

export type RunProblem =
  | 'runtimeUnavailable'
  | 'unsupportedOperator'
  | 'shapeMismatch'
  | 'typeMismatch'
  | 'diverged'
  | 'tooLarge'
  | 'cancelled'
  | 'fileChanged'
  | 'signature'
  | 'runtime';

/** A preview could not run (or stopped). */
export class ModelRunError extends Error {
  constructor(
    readonly problem: RunProblem,
    message: string,
    readonly detail?: string,
    /** For `diverged`: the first step whose state is NaN or infinite (1-based). */
    readonly step?: number,
  ) {
    super(message);
    this.name = 'ModelRunError';
  }
}

/** Turns onnxruntime's messages (which may leak C++ paths) into sentences for people; keeps the original as detail. */
export function explainRuntimeError(err: unknown, context: { readonly file: string }): ModelRunError | ModelFileError {
  if (err instanceof ModelRunError || err instanceof ModelFileError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const opMatch =
    /Could not find an implementation for (\S+)|No Op registered for (\S+)|Unrecognized attribute|not (?:a )?registered/i.exec(
      raw,
    );
  if (opMatch) {
    const op = (opMatch[1] ?? opMatch[2] ?? '').replace(/[(\s].*$/, '');
    return new ModelRunError(
      'unsupportedOperator',
      `onnxruntime cannot run this model: ${op ? `the operator ${op} is` : 'an operator is'} not supported for these types or this opset. Re-export it with standard ONNX operators (opset 13–21), float32.`,
      raw,
    );
  }
  if (
    /Got invalid dimensions|invalid rank|Invalid rank|shape mismatch|ShapeInferenceError|dimension mismatch|Incompatible dimensions/i.test(
      raw,
    )
  ) {
    return new ModelRunError(
      'shapeMismatch',
      `The initial state does not fit the model's input shape. ${firstLine(raw)}`,
      raw,
    );
  }
  if (/Unexpected input data type/i.test(raw)) {
    return new ModelRunError(
      'typeMismatch',
      `The model expects another element type for its input. ${firstLine(raw)}`,
      raw,
    );
  }
  if (/File doesn't exist|No such file/i.test(raw)) {
    return new ModelFileError('missing', `The model file ${context.file} no longer exists.`, raw);
  }
  if (/protobuf parsing failed|does not have a graph/i.test(raw)) {
    return new ModelFileError('notOnnx', `${context.file} could not be loaded as an ONNX model.`, raw);
  }
  if (/Cannot find module|onnxruntime_binding|GLIBC|ERR_DLOPEN_FAILED|invalid ELF/i.test(raw)) {
    return new ModelRunError(
      'runtimeUnavailable',
      `onnxruntime-node could not be loaded on this platform (${process.platform}-${process.arch}). Model previews need the platform-specific Attractor package (linux-x64 needs glibc ≥ 2.28).`,
      raw,
    );
  }
  return new ModelRunError('runtime', `onnxruntime failed to run the model: ${firstLine(raw)}`, raw);
}

function firstLine(text: string): string {
  // onnxruntime prefixes messages with a source location: "[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : ..."
  const line = text.split('\n')[0].replace(/^\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*\w+\s*:\s*/, '');
  return line.replace(/\/[^\s:]+\.(cc|h|cpp):\d+\s*/g, '').slice(0, 400);
}
