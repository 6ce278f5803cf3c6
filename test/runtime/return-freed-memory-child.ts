/**
 * Child process of return-freed-memory.test.ts: frees most of 256 MB of malloc'd buffers while
 * every eighth stays alive (so the heap cannot shrink from its top), then prints VmRSS before
 * and after the freed memory is handed back.
 */
import { readFileSync } from 'node:fs';
import { startReturningFreedMemory } from '../../server/runtime/return-freed-memory.js';

const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;
const gc = (globalThis as { gc?: () => void }).gc as () => void;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const logger = { debug: () => {} } as never;

let buffers: (Buffer | null)[] = Array.from({ length: 4096 }, () => Buffer.allocUnsafeSlow(64 * 1024).fill(1));
buffers = buffers.map((buffer, index) => (index % 8 === 0 ? buffer : null));
gc();
await sleep(200);
const freed = rssMb();
const stop = startReturningFreedMemory(logger, 50);
await sleep(1_000);
stop();
process.stdout.write(`${JSON.stringify({ freed, returned: rssMb(), kept: buffers.filter(Boolean).length })}\n`);
