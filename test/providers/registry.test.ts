import { describe, expect, it } from 'vitest';
import { parseChatRequest } from '../../server/providers/canonical-request.js';
import { redactSecrets } from '../../server/providers/classify-failure.js';
import {
  createCustomProvider,
  envPrefix,
  generateKey,
  getProvider,
  listProviders,
  resolveBaseUrl,
} from '../../server/providers/registry.js';
import { checkProviderKeyFormat, maskProviderKey } from '../../server/secrets/provider-key-format.js';
import { CATALOG, PROVIDER_IDS } from '../../shared/catalog.js';

describe('provider registry', () => {
  it('registers every catalog provider with its public base URL', () => {
    expect(listProviders().map((p) => p.id)).toEqual(PROVIDER_IDS);
    expect(getProvider('openai')?.defaultBaseUrl).toBe('https://api.openai.com/v1');
    expect(getProvider('anthropic')?.defaultBaseUrl).toBe('https://api.anthropic.com');
    expect(getProvider('google')?.defaultBaseUrl).toBe('https://generativelanguage.googleapis.com');
    expect(getProvider('groq')?.defaultBaseUrl).toBe('https://api.groq.com/openai/v1');
    expect(getProvider('anthropic')?.adapter.kind).toBe('anthropic');
    expect(getProvider('fireworks')?.adapter.kind).toBe('openai-compatible');
    expect(getProvider('nope')).toBeUndefined();
  });

  it('derives env prefixes and reads <P>_BASE_URL', () => {
    expect(envPrefix('openai')).toBe('OPENAI');
    expect(envPrefix('my-vllm')).toBe('MY_VLLM');
    const groq = getProvider('groq')!;
    expect(resolveBaseUrl(groq, { GROQ_BASE_URL: 'http://127.0.0.1:4010/groq/openai/v1' })).toBe('http://127.0.0.1:4010/groq/openai/v1');
    expect(resolveBaseUrl(groq, {})).toBe('https://api.groq.com/openai/v1');
    expect(resolveBaseUrl(groq, { GROQ_BASE_URL: '  ' })).toBe('https://api.groq.com/openai/v1');
  });

  it('creates custom OpenAI-compatible providers', () => {
    const custom = createCustomProvider({ id: 'lab-ollama', baseUrl: 'http://10.0.0.5:11434/v1' });
    expect(custom).toMatchObject({ id: 'lab-ollama', envPrefix: 'LAB_OLLAMA', custom: true, defaultBaseUrl: 'http://10.0.0.5:11434/v1' });
    const parsed = parseChatRequest({ model: 'llama3', messages: [{ role: 'user', content: 'hi' }], top_k: 4, max_completion_tokens: 5 });
    if (!parsed.ok) throw new Error(parsed.message);
    const req = custom.adapter.buildRequest(parsed.value, {
      baseUrl: custom.defaultBaseUrl,
      apiKey: 'none',
      upstreamModel: 'llama3',
      stream: false,
    });
    expect(req.url).toBe('http://10.0.0.5:11434/v1/chat/completions');
    expect(JSON.parse(req.body)).toMatchObject({ model: 'llama3', top_k: 4, max_tokens: 5 });
    expect(() => createCustomProvider({ id: 'openai', baseUrl: 'http://x' })).toThrow(/built-in/);
    expect(() => createCustomProvider({ id: 'Bad Id', baseUrl: 'http://x' })).toThrow(/lower-case/);
    expect(() => createCustomProvider({ id: 'x', baseUrl: 'ftp://x' })).toThrow(/http/);
  });

  it('holds every fact about each provider; validation, redaction, masks, env names and prices derive from them', () => {
    for (const p of listProviders()) {
      const { prefix, example } = p.keyFormat;
      expect(p.name, p.id).not.toBe('');
      expect(p.adapter.kind, p.id).toBeTruthy();
      expect(new URL(p.defaultBaseUrl).protocol, p.id).toBe('https:');
      expect(p.envPrefix, p.id).toBe(envPrefix(p.id));
      expect(resolveBaseUrl(p, { [`${p.envPrefix}_BASE_URL`]: 'http://127.0.0.1:9/v1' }), p.id).toBe('http://127.0.0.1:9/v1');
      // The price-data id finds the provider's models in the price data (context windows come only from there).
      expect(p.priceDataId, p.id).toBeTruthy();
      expect(
        CATALOG.some((m) => m.offers.some((o) => o.provider === p.id && o.contextWindow !== null)),
        p.id,
      ).toBe(true);
      // The example key passes validation, is redacted whole and masks to its prefix.
      expect(example.startsWith(prefix), p.id).toBe(true);
      expect(checkProviderKeyFormat(p.id, example), p.id).toBeNull();
      expect(redactSecrets(`Incorrect API key provided: ${example}.`), p.id).toBe('Incorrect API key provided: [redacted].');
      expect(maskProviderKey(example), p.id).toBe(`${prefix}…${example.slice(-4)}`);
      if (p.redaction) expect(p.redaction.exec(example)?.[0], p.id).toBe(example);
      else expect(prefix, `${p.id} has a prefix, so it needs a redaction pattern`).toBe('');
      // Generated keys (demo data, tests) follow the same format.
      const generated = generateKey(p.keyFormat, (n) => 'k3Y9z'.repeat(n).slice(0, n));
      expect(checkProviderKeyFormat(p.id, generated), p.id).toBeNull();
      expect(redactSecrets(generated), p.id).toBe('[redacted]');
      if (prefix) expect(checkProviderKeyFormat(p.id, `x${example}`), p.id).toContain(`start with "${prefix}"`);
    }
  });
});
