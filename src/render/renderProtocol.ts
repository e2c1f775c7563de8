/** Messages between the extension host and the render worker. */
import type { MacroProblem, MathMacro, MacroSetting } from './mathMacros';
import { ATTRACTOR_MACROS_SETTING, MARKDOWN_MACROS_SETTING } from './mathMacros';

export interface RenderRequest {
  readonly type: 'render';
  readonly id: number;
  readonly markdown: string;
}

/** The user's macros for every later render: the worker checks them and keeps those that render. */
export interface MacrosRequest {
  readonly type: 'macros';
  readonly id: number;
  readonly macros: readonly MathMacro[];
}

export type WorkerRequest = RenderRequest | MacrosRequest;

export type RenderWorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'rendered'; readonly id: number; readonly html: string }
  | {
      readonly type: 'macrosChecked';
      readonly id: number;
      readonly accepted: readonly MathMacro[];
      readonly rejected: readonly MacroProblem[];
    };

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isSetting = (x: unknown): x is MacroSetting => x === ATTRACTOR_MACROS_SETTING || x === MARKDOWN_MACROS_SETTING;

function parseMacros(raw: unknown): MathMacro[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out: MathMacro[] = [];
  for (const m of raw as unknown[]) {
    if (!isObject(m) || typeof m.name !== 'string' || typeof m.expansion !== 'string' || !isSetting(m.setting))
      return undefined;
    out.push({ name: m.name, expansion: m.expansion, setting: m.setting });
  }
  return out;
}

function parseProblems(raw: unknown): MacroProblem[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out: MacroProblem[] = [];
  for (const p of raw as unknown[]) {
    if (!isObject(p) || typeof p.name !== 'string' || typeof p.reason !== 'string' || !isSetting(p.setting))
      return undefined;
    out.push({ name: p.name, reason: p.reason, setting: p.setting });
  }
  return out;
}

export function parseWorkerRequest(raw: unknown): WorkerRequest | undefined {
  if (!isObject(raw) || typeof raw.id !== 'number') return undefined;
  if (raw.type === 'render' && typeof raw.markdown === 'string')
    return { type: 'render', id: raw.id, markdown: raw.markdown };
  if (raw.type === 'macros') {
    const macros = parseMacros(raw.macros);
    return macros && { type: 'macros', id: raw.id, macros };
  }
  return undefined;
}

export function parseRenderWorkerMessage(raw: unknown): RenderWorkerMessage | undefined {
  if (!isObject(raw)) return undefined;
  if (raw.type === 'ready') return { type: 'ready' };
  if (raw.type === 'rendered' && typeof raw.id === 'number' && typeof raw.html === 'string')
    return { type: 'rendered', id: raw.id, html: raw.html };
  if (raw.type === 'macrosChecked' && typeof raw.id === 'number') {
    const accepted = parseMacros(raw.accepted);
    const rejected = parseProblems(raw.rejected);
    return accepted && rejected && { type: 'macrosChecked', id: raw.id, accepted, rejected };
  }
  return undefined;
}
