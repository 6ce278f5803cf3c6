/**
 * Recorded answers carrying other content: the text fixture with another text, the tools
 * fixture with another tool call. Only the content fields change, so ids, usage and the
 * provider's framing stay exactly as recorded. Works on every wire by field name: text sits in
 * `content`/`text` (OpenAI `delta.content`, Anthropic `text_delta`, Gemini `parts[].text`), a
 * tool call in `name` + `arguments`/`partial_json` (JSON text) or `input`/`args` (object).
 * Responses streams repeat the whole content in their `.done` events and final response: there
 * the `delta` strings are the pieces, and `text` / `arguments` always carry the whole.
 */
import type { Wire } from './fixture-store.js';
import type { Reply } from './reply-plan.js';

type Rewrite = Exclude<Reply, { kind: 'fixture' }>;

/** The recorded tool the tools fixtures call. */
const RECORDED_TOOL = 'get_weather';

interface State {
  /** Whether the new content went out already: a stream carries it in its first content piece, later pieces go empty. */
  placed: boolean;
  /** Responses framing (see above). */
  responses: boolean;
}

function piece(whole: string, state: State): string {
  if (state.placed) return '';
  state.placed = true;
  return whole;
}

function rewriteValue(value: unknown, key: string, reply: Rewrite, state: State): unknown {
  if (typeof value === 'string' && value !== '' && state.responses) {
    const whole = reply.kind === 'text' ? reply.text : JSON.stringify(reply.input);
    if (key === 'delta') return piece(whole, state);
    if ((reply.kind === 'text' && key === 'text') || (reply.kind === 'tool-call' && key === 'arguments')) return whole;
    return reply.kind === 'tool-call' && key === 'name' && value === RECORDED_TOOL ? reply.name : value;
  }
  if (typeof value === 'string' && value !== '') {
    if (reply.kind === 'text' && (key === 'content' || key === 'text')) return piece(reply.text, state);
    if (reply.kind === 'tool-call' && key === 'name' && value === RECORDED_TOOL) return reply.name;
    if (reply.kind === 'tool-call' && reply.silent && key === 'text') return '';
    if (reply.kind === 'tool-call' && (key === 'arguments' || key === 'partial_json')) return piece(JSON.stringify(reply.input), state);
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => rewriteValue(item, key, reply, state));
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    // `input: {}` opens Anthropic's streamed tool_use block; only a filled input is the call's.
    if (reply.kind === 'tool-call' && (key === 'input' || key === 'args') && entries.length > 0) return reply.input;
    return Object.fromEntries(entries.map(([name, item]) => [name, rewriteValue(item, name, reply, state)]));
  }
  return value;
}

/** A non-streaming fixture body with the reply's content. */
export function rewriteBody(text: string, reply: Rewrite, wire?: Wire): string {
  return JSON.stringify(rewriteValue(JSON.parse(text) as unknown, '', reply, { placed: false, responses: wire === 'openai-responses' }));
}

/** Streaming fixture events with the reply's content (each event keeps its `event:` line and blank-line end). */
export function rewriteEvents(events: readonly string[], reply: Rewrite, wire?: Wire): string[] {
  const state: State = { placed: false, responses: wire === 'openai-responses' };
  return events.map((event) =>
    event.replace(/^data: (.+)$/gm, (line, data: string) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        return line; // `[DONE]`
      }
      return `data: ${JSON.stringify(rewriteValue(parsed, '', reply, state))}`;
    }),
  );
}

// `model` (OpenAI-compatible, Anthropic) or `modelVersion` (Gemini) as recorded, in a body or an SSE `data:` line.
const MODEL_FIELD = /"(model|modelVersion)"(\s*):(\s*)"(?:[^"\\]|\\.)*"/g;

/**
 * A recorded answer naming the model the request asked for: the simulator serves any model
 * name from its provider's fixtures, and the answer says which one, as a real upstream would.
 */
export function withModelName(text: string, model: string | undefined): string {
  if (model === undefined) return text;
  return text.replace(
    MODEL_FIELD,
    (_match, field: string, before: string, after: string) => `"${field}"${before}:${after}${JSON.stringify(model)}`,
  );
}
