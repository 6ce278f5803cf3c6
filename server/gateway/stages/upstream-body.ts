/**
 * Reading a whole upstream body, with a ceiling. undici reads as much as it is sent
 * (maxResponseSize is unlimited by default, and a dispatcher-wide limit would also end long
 * streams), and a tenant's custom upstream may send without end: each read here stops at its
 * limit and ends the body, so the connection closes instead of the process buffering it.
 */
import { readUpTo } from '../../net/read-up-to.js';

const MB = 1024 * 1024;

/**
 * The largest non-streamed answer read. Chat answers are kilobytes; the largest real ones carry
 * generated images as base64 (several MB). The body is held as bytes, then text, then parsed,
 * so one answer costs a few times this while it is read.
 */
export const MAX_ANSWER_BYTES = 32 * MB;

/**
 * How much of an error body is read. Only its start becomes the failure's message (cut again before
 * it is searched for keys); the rest would only hold memory and time. Real error bodies are under
 * a few KB, so this still reads any JSON error whole.
 */
export const MAX_ERROR_BYTES = 256 * 1024;

/** An answer over MAX_ANSWER_BYTES: the attempt fails as the upstream's fault (UPSTREAM_ERROR). */
export class UpstreamAnswerTooLarge extends Error {
  constructor(limit: number) {
    super(`The upstream's answer was too large (over ${limit / MB} MB); it was not read`);
    this.name = 'UpstreamAnswerTooLarge';
  }
}

/** Why an answer could not be used, as the attempt's failure message. */
export function unreadableAnswerMessage(error: unknown): string {
  return error instanceof UpstreamAnswerTooLarge ? error.message : `Unreadable response: ${(error as Error).message}`;
}

/** The body as text, or UpstreamAnswerTooLarge once it passes `limit` bytes (the rest is not read). */
export async function readAnswerText(body: AsyncIterable<Uint8Array>, limit: number = MAX_ANSWER_BYTES): Promise<string> {
  const { bytes, complete } = await readUpTo(body, limit);
  if (!complete) throw new UpstreamAnswerTooLarge(limit);
  return new TextDecoder().decode(bytes);
}

/** The first MAX_ERROR_BYTES of an error body as text ('' when it cannot be read); the rest is not read. */
export async function readErrorText(body: AsyncIterable<Uint8Array>, limit: number = MAX_ERROR_BYTES): Promise<string> {
  try {
    const { bytes } = await readUpTo(body, limit);
    // `stream: true` leaves out a character the limit cut in half.
    return new TextDecoder().decode(bytes, { stream: true });
  } catch {
    return '';
  }
}
