import { matchPriceDataModel } from '../../../shared/catalog/price-data.js';
import { isProviderId } from '../../../shared/catalog/providers.js';
import { GatewayError } from '../gateway-error.js';
import type { RoutableOffer } from './router.js';

/**
 * A model the price data knows and does not name as an embedding model is a chat model: refused
 * here rather than sent upstream to fail. Names the data does not know (`together/BAAI/bge-…`,
 * custom servers' models) go upstream, which decides.
 */
function knownChatModel(offer: RoutableOffer): boolean {
  if (!isProviderId(offer.provider)) return false;
  const known = matchPriceDataModel(offer.provider, offer.providerModel);
  return known !== undefined && !/embed/i.test(known.id);
}

/**
 * The offers that can serve `/v1/embeddings`: providers whose adapter offers embeddings, minus
 * known chat models. None left is the caller's mistake: a 400 saying why.
 */
export function embeddingOffers(model: string, offers: readonly RoutableOffer[]): RoutableOffer[] {
  const embedding = offers.filter((offer) => offer.endpoint.adapter.embeddings !== undefined);
  const served = embedding.filter((offer) => !knownChatModel(offer));
  if (served.length > 0) return served;
  const name = model.slice(0, 100);
  const why =
    embedding.length === 0
      ? `it is served by ${[...new Set(offers.map((offer) => offer.provider))].join(', ')}, which offer no embeddings`
      : 'it is a chat model';
  throw new GatewayError(
    'BAD_USER_INPUT',
    'model_not_embeddings',
    `"${name}" cannot create embeddings: ${why}. Use an embedding model such as text-embedding-3-small, mistral-embed or gemini-embedding-001`,
  );
}
