import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';

/**
 * Cache identities for types without an `id`, so updates from mutations land on the
 * objects the pages already show. Usage reports are keyed by their arguments (the default).
 */
export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      FeatureFlag: { keyFields: ['key'] },
      HostedProviderPool: { keyFields: ['provider'] },
      HostedKey: { keyFields: ['name'] },
      ProviderSetting: { keyFields: ['provider'] },
      Viewer: { keyFields: ['id'] },
      UsageReport: { keyFields: false },
      UsageGroup: { keyFields: false },
      Organization: {
        fields: {
          // A fresh list replaces the old one (no merging of partial lists).
          projects: { merge: false },
          members: { merge: false },
          providerKeys: { merge: false },
        },
      },
      Project: { fields: { gatewayKeys: { merge: false } } },
    },
  });
}

/** The dashboard's client: same-origin /graphql with the session cookie. */
export function createApolloClient(): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri: '/graphql', credentials: 'same-origin' }),
    cache: createCache(),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });
}
