/**
 * The JSON of a passed-through stream's events, read for usage and for the size of the answer.
 */
import { parseJson } from '../../providers/sse-stream.js';

/** `value` when it is a JSON object, else null. */
export function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

let lastData: string | null = null;
let lastEvent: Record<string, unknown> | null = null;

/**
 * One SSE `data:` payload as a JSON object, or null. The relay asks a pass-through for the usage
 * and then for the output size of the same event: the last payload's parse is kept, so each
 * event of a long stream is parsed once. Callers only read it.
 */
export function streamEventJson(data: string): Record<string, unknown> | null {
  if (data !== lastData) {
    const json = parseJson(data);
    lastEvent = json.ok ? record(json.value) : null;
    lastData = data;
  }
  return lastEvent;
}

/** A string's length; 0 for anything else. */
export const textLength = (value: unknown): number => (typeof value === 'string' ? value.length : 0);
