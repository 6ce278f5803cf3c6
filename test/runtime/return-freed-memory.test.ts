import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The real allocator in a child process: what glibc keeps after a burst is given back. */
describe('returning freed memory to the system', () => {
  it.runIf(process.platform === 'linux')('gives back the pages of freed buffers the heap could not shrink away', () => {
    const output = execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, 'return-freed-memory-child.ts')],
      { encoding: 'utf8', env: { ...process.env, MALLOC_ARENA_MAX: '2' } },
    );
    const { freed, returned, kept } = JSON.parse(output) as { freed: number; returned: number; kept: number };
    expect(kept).toBe(512);
    // 224 of the 256 MB were freed but stayed resident; most of it goes back.
    expect(freed - returned).toBeGreaterThan(150);
  });
});
