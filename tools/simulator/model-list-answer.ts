/**
 * A provider's model list (`GET`), as the gateway asks for it to check a key: OpenAI-compatible
 * `{base}/models`, Anthropic `/v1/models`, Gemini `/v1beta/models`. One model each, in each
 * provider's real shape; only the status matters to the gateway.
 */
import type { Wire } from './fixture-store.js';

const LISTS: Record<'openai-compatible' | 'anthropic' | 'google', unknown> = {
  'openai-compatible': { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'system' }] },
  anthropic: {
    data: [{ type: 'model', id: 'claude-sonnet-4-5', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' }],
    has_more: true,
    first_id: 'claude-sonnet-4-5',
    last_id: 'claude-sonnet-4-5',
  },
  google: {
    models: [
      {
        name: 'models/gemini-2.5-flash',
        displayName: 'Gemini 2.5 Flash',
        supportedGenerationMethods: ['generateContent', 'countTokens'],
      },
    ],
    nextPageToken: 'Ch5tb2RlbHMvZ2VtaW5pLTIuNS1mbGFzaA==',
  },
};

/** Which list a GET path asks for (the path after `/<provider>`), if any. */
export function modelListWire(rest: string): Exclude<Wire, 'openai-responses'> | undefined {
  if (rest === '/v1/models') return 'anthropic';
  if (rest === '/v1beta/models') return 'google';
  if (rest.endsWith('/models')) return 'openai-compatible';
  return undefined;
}

export function modelListAnswer(wire: Exclude<Wire, 'openai-responses'>): string {
  return JSON.stringify(LISTS[wire]);
}
