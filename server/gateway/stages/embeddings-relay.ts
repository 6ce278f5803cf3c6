import type { Dispatcher } from 'undici';
import type { ProviderAdapter } from '../../providers/adapter.js';
import type { EmbeddingsAdapter, EmbeddingsRequest, EmbeddingsResult } from '../../providers/embeddings.js';
import { toUsageEvent } from '../../providers/events.js';
import { GatewayError } from '../gateway-error.js';
import type { RequestRun } from '../request-run.js';
import type { AttemptResult } from './pass-through-relay.js';
import { readAnswerText, unreadableAnswerMessage } from './upstream-body.js';

/** What the call stage sends for `/v1/embeddings`, and where the vectors go (the respond stage). */
export interface EmbeddingsCallInput {
  kind: 'embeddings';
  request: EmbeddingsRequest;
  deliver(result: EmbeddingsResult): Promise<void>;
}

/** The adapter's embeddings part (routing offers only providers that have one). */
export function embeddingsOf(adapter: ProviderAdapter): EmbeddingsAdapter {
  if (!adapter.embeddings) throw new GatewayError('BAD_USER_INPUT', 'model_not_embeddings', 'This provider offers no embeddings');
  return adapter.embeddings;
}

/** A 2xx embeddings answer → the provider's token count on the run, the vectors to the client. */
export async function relayEmbeddings(
  run: RequestRun,
  embeddings: EmbeddingsAdapter,
  response: Dispatcher.ResponseData,
  input: EmbeddingsCallInput,
): Promise<AttemptResult> {
  let result: ReturnType<EmbeddingsAdapter['parseResponse']>;
  try {
    result = embeddings.parseResponse(JSON.parse(await readAnswerText(response.body)));
  } catch (error) {
    if (run.cancellation.aborted)
      return { done: false, failure: { failureClass: 'CANCELLED', message: 'The client went away' }, retry: false };
    return { done: false, failure: { failureClass: 'UPSTREAM_ERROR', message: unreadableAnswerMessage(error) }, retry: true };
  }
  if ('type' in result) return { done: false, failure: { failureClass: result.failureClass, message: result.message }, retry: true };
  // One vector per input, or the client would pair texts with the wrong vectors.
  if (result.vectors.length !== input.request.input.length) {
    const message = `The provider answered ${result.vectors.length} vectors for ${input.request.input.length} inputs`;
    return { done: false, failure: { failureClass: 'UPSTREAM_ERROR', message }, retry: true };
  }
  // No count from the provider (Gemini): settlement estimates from the input and marks it so.
  if (result.inputTokens !== null) run.observe(toUsageEvent({ inputTokens: result.inputTokens, cachedInputTokens: 0, outputTokens: 0 }));
  await input.deliver(result);
  return { done: true };
}
