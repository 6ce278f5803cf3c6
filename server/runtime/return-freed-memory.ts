import { createRequire } from 'node:module';
import type { Logger } from '../observability/logger.js';

/** How often freed memory is handed back: each pass takes 1–3 ms of a background thread after load. */
export const RETURN_FREED_MEMORY_EVERY_MS = 5_000;

type Trim = { async: (pad: number, done: (error: unknown, released: number) => void) => void };

/**
 * glibc's malloc keeps what threads free in their arenas and gives memory back to the system
 * only from the top of a heap, so after a burst of load tens of MB stay resident though free:
 * 40 MB of an embedded keyplane's 340–360 MB after 1,000 req/s (most of it from the embedded
 * database's thread and V8's compiler threads, not the JavaScript heap). `malloc_trim(0)` gives
 * every whole free page back. Node has no call for it, so it is reached through koffi, a
 * foreign-function library shipped with prebuilt binaries, and run on koffi's background
 * thread: the event loop never waits for it. Where there is no glibc (macOS, musl) nothing
 * runs. Returns a stop function.
 */
export function startReturningFreedMemory(logger: Logger, everyMs = RETURN_FREED_MEMORY_EVERY_MS): () => void {
  const trim = loadMallocTrim(logger);
  if (!trim) return () => {};
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    trim.async(0, (error) => {
      running = false;
      if (error) logger.debug({ err: error }, 'malloc_trim failed');
    });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

function loadMallocTrim(logger: Logger): Trim | null {
  if (process.platform !== 'linux') return null;
  try {
    // glibc's name: musl (which has no malloc_trim) has no libc.so.6, and the load throws.
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
    return koffi.load('libc.so.6').func('int malloc_trim(size_t pad)') as unknown as Trim;
  } catch (error) {
    logger.debug({ err: error }, 'malloc_trim is not available: freed memory stays with the allocator');
    return null;
  }
}
