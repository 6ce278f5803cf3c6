import { describe, expect, it } from 'vitest';
import { ProviderHealth } from '../../server/gateway/routing/provider-health.js';

describe('provider health', () => {
  it('marks a provider unhealthy below 50% recent uptime, and forgets outcomes after a minute', () => {
    let now = 0;
    const health = new ProviderHealth(() => now);
    for (let i = 0; i < 4; i += 1) health.record('groq', false);
    expect(health.isHealthy('groq')).toBe(true); // too few samples to judge
    health.record('groq', false);
    expect(health.isHealthy('groq')).toBe(false);
    expect(health.uptime('groq')).toBe(0);
    health.record('openai', true);
    now = 61_000;
    expect(health.uptime('groq')).toBeNull();
    expect(health.isHealthy('groq')).toBe(true);
  });

  it("holds nothing for providers with no recent outcome (custom providers are tenants' to make)", () => {
    let now = 0;
    const health = new ProviderHealth(() => now);
    for (let i = 0; i < 1_000; i += 1) health.record(`custom-${i}`, false);
    now = 61_000;
    for (let i = 0; i < 1_000; i += 1) health.isHealthy(`custom-${i}`);
    expect((health as unknown as { outcomes: Map<string, unknown> }).outcomes.size).toBe(0);
  });
});
