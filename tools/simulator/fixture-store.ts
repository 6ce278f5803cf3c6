import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The wire format families the simulator speaks. */
export type Wire = 'openai-compatible' | 'anthropic' | 'google' | 'openai-responses';

/** Fixture names: `text`/`tools` answers (`thinking`: Anthropic's, with a signed thinking block), `error-<kind>` error answers. */
export type AnswerKind = 'text' | 'tools' | 'thinking';
export type ErrorKind = 'unauthorized' | 'forbidden' | 'forbidden-request' | 'rate-limit' | 'quota' | 'server';

export const FIXTURES_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Provider folder whose fixtures stand in when a provider has none of its own. */
const WIRE_DEFAULT: Record<Wire, string> = {
  'openai-compatible': 'openai',
  anthropic: 'anthropic',
  google: 'google',
  'openai-responses': 'openai-responses',
};

const cache = new Map<string, string | null>();

function read(provider: string, file: string): string | null {
  const key = `${provider}/${file}`;
  if (!cache.has(key)) {
    const path = `${FIXTURES_DIR}${key}`;
    cache.set(key, existsSync(path) ? readFileSync(path, 'utf8') : null);
  }
  return cache.get(key) ?? null;
}

/** A fixture file's text, from the provider's folder or its wire family's default. */
export function fixtureText(provider: string, wire: Wire, file: string): string {
  // Only OpenAI speaks Responses: its answers have their own folder, its error bodies are OpenAI's.
  const text =
    wire === 'openai-responses'
      ? (read(WIRE_DEFAULT[wire], file) ?? read(provider, file))
      : (read(provider, file) ?? read(WIRE_DEFAULT[wire], file));
  if (text === null) throw new Error(`No fixture ${file} for ${provider} (${wire})`);
  return text;
}

/** Split an SSE fixture into its events, each with its terminating blank line. */
export function sseEvents(text: string): string[] {
  return text.match(/[\s\S]*?(?:\r\n\r\n|\n\n)/g) ?? [];
}

const splitCache = new Map<string, string[]>();

/** The SSE events of a streaming answer, cached. */
export function streamAnswer(provider: string, wire: Wire, kind: AnswerKind): string[] {
  const key = `${provider}/${wire}/${kind}`;
  let events = splitCache.get(key);
  if (!events) {
    events = sseEvents(fixtureText(provider, wire, `${kind}.sse`));
    splitCache.set(key, events);
  }
  return events;
}

/** A recorded error answer: status and body in the provider's own shape. */
export function errorAnswer(provider: string, wire: Wire, kind: ErrorKind): { status: number; body: string } {
  const fixture = JSON.parse(fixtureText(provider, wire, `error-${kind}.json`)) as { status: number; body: unknown };
  return { status: fixture.status, body: JSON.stringify(fixture.body) };
}
