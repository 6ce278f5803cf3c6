import { describe, expect, it } from 'vitest';
import { boundedMemo } from '../../shared/bounded-memo.js';

describe('boundedMemo', () => {
  it('computes each key once, undefined results included', () => {
    const calls: string[] = [];
    const lookup = boundedMemo((key: string) => {
      calls.push(key);
      return key === 'unknown' ? undefined : key.length;
    });
    expect([lookup('gpt-4o'), lookup('gpt-4o'), lookup('unknown'), lookup('unknown')]).toEqual([6, 6, undefined, undefined]);
    expect(calls).toEqual(['gpt-4o', 'unknown']);
  });

  it('never holds more than max keys, however many names a tenant sends', () => {
    const calls: number[] = [];
    const lookup = boundedMemo((key: number) => {
      calls.push(key);
      return key * 2;
    }, 3);
    for (const key of [1, 2, 3, 4, 1]) expect(lookup(key)).toBe(key * 2);
    // The fourth key emptied the cache, so 1 is computed again.
    expect(calls).toEqual([1, 2, 3, 4, 1]);
  });
});
