import type { UpstreamErrorResponse } from '../adapter.js';
import { type ClassifiedFailure, classifyHttpFailure } from '../classify-failure.js';
import { bodyExcerpt, errorBodyValue } from '../sse-stream.js';

interface ErrorFields {
  message?: string;
  codes: string[];
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/**
 * Read the error shapes OpenAI-compatible servers use: `{error:{message,type,code}}`
 * (OpenAI, Groq, Together, Fireworks, DeepSeek), `{object:"error",message,type,code}`
 * (Mistral), `{error:"text"}` (Ollama) and `{detail:"text"}` (FastAPI-based servers).
 */
function readCompatibleErrorBody(body: unknown): ErrorFields {
  const value = errorBodyValue(body);
  if (typeof value !== 'object' || value === null) return { message: bodyExcerpt(value) || undefined, codes: [] };
  const top = value as Record<string, unknown>;
  const inner = top.error;
  if (typeof inner === 'string') return { message: inner, codes: [] };
  const source = typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : top;
  const message = str(source.message) ?? str(top.detail) ?? str(top.message);
  const codes = [source.code, source.type, top.code, top.type].map(str).filter((c): c is string => c !== undefined);
  return { message: message ?? (bodyExcerpt(value) || undefined), codes };
}

/** Classify a non-2xx answer from an OpenAI-compatible upstream. */
export function classifyCompatibleError(response: UpstreamErrorResponse): ClassifiedFailure {
  const { message, codes } = readCompatibleErrorBody(response.body);
  return classifyHttpFailure({ status: response.status, message: message ?? '', codes, headers: response.headers });
}
