/**
 * Preloaded into a process under measurement by bench/rss-probe.ts (`node --import …`), never by
 * keyplane itself: on SIGUSR2 it runs a full GC when `--expose-gc` is on and writes one line
 * `@@memory {json}` to stderr with process.memoryUsage() and the V8 heap spaces.
 */
import v8 from 'node:v8';

process.on('SIGUSR2', () => {
  const before = process.memoryUsage();
  if (typeof globalThis.gc === 'function') globalThis.gc();
  const after = process.memoryUsage();
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, Math.round(s.space_size / 1024)]));
  process.stderr.write(`@@memory ${JSON.stringify({ before, after, spacesKb: spaces })}\n`);
});
