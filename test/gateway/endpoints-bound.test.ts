import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import { Endpoints } from '../../server/gateway/endpoints.js';

describe('endpoints', () => {
  it('keeps a bounded number of custom endpoints however many base URLs tenants save', () => {
    const endpoints = new Endpoints({}, new Agent());
    for (let i = 0; i < 10_500; i += 1) {
      const endpoint = endpoints.custom({ id: 'p1', slug: 'lab', baseUrl: `https://lab${i}.example.com/v1`, models: ['m'] });
      expect(endpoint.baseUrl).toBe(`https://lab${i}.example.com/v1`);
    }
    expect((endpoints as unknown as { cache: { size: number } }).cache.size).toBeLessThanOrEqual(10_000);
    // The same provider asks for the same endpoint: built once.
    const config = { id: 'p2', slug: 'lab', baseUrl: 'https://lab.example.com/v1', models: ['m'] };
    expect(endpoints.custom(config)).toBe(endpoints.custom(config));
  });
});
