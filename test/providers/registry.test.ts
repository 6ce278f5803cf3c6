import { describe, expect, it } from 'vitest';
import { PROVIDER_IDS } from '../../shared/catalog.js';
import { parseChatRequest } from '../../server/providers/chat-request.js';
import { createCustomProvider, envPrefix, getProvider, listProviders, resolveBaseUrl } from '../../server/providers/registry.js';

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
    const req = custom.adapter.buildRequest(parsed.value, { baseUrl: custom.defaultBaseUrl, apiKey: 'none', upstreamModel: 'llama3', stream: false });
    expect(req.url).toBe('http://10.0.0.5:11434/v1/chat/completions');
    expect(JSON.parse(req.body)).toMatchObject({ model: 'llama3', top_k: 4, max_tokens: 5 });
    expect(() => createCustomProvider({ id: 'openai', baseUrl: 'http://x' })).toThrow(/built-in/);
    expect(() => createCustomProvider({ id: 'Bad Id', baseUrl: 'http://x' })).toThrow(/lower-case/);
    expect(() => createCustomProvider({ id: 'x', baseUrl: 'ftp://x' })).toThrow(/http/);
  });
});
