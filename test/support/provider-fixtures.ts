import { readFileSync } from 'node:fs';
import type { ProviderEvent } from '../../server/providers/events.js';
import { FIXTURES_DIR } from '../../tools/simulator/fixture-store.js';

/** A fixture file's text. */
export function fixture(provider: string, file: string): string {
  return readFileSync(`${FIXTURES_DIR}${provider}/${file}`, 'utf8');
}

/** A fixture's JSON (error fixtures are `{status, body}`). */
export function fixtureJson<T = unknown>(provider: string, file: string): T {
  return JSON.parse(fixture(provider, file)) as T;
}

/** Text as a byte stream cut into `size`-byte pieces, so parsers meet split events and split UTF-8. */
export async function* bytes(text: string, size = 7): AsyncGenerator<Uint8Array> {
  const data = new TextEncoder().encode(text);
  for (let i = 0; i < data.length; i += size) yield data.slice(i, i + size);
}

/** A byte stream that yields `text` then fails like a destroyed socket. */
export async function* brokenBytes(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
  throw Object.assign(new TypeError('terminated'), { cause: { code: 'UND_ERR_SOCKET' } });
}

export async function collect(events: AsyncIterable<ProviderEvent>): Promise<ProviderEvent[]> {
  const out: ProviderEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** Concatenated text deltas. */
export function textOf(events: readonly ProviderEvent[]): string {
  return events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');
}

/** The last usage event. */
export function lastUsage(events: readonly ProviderEvent[]) {
  return events.filter((e) => e.type === 'usage').at(-1);
}
