import type { LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { checkUpstreamHost, resolveUpstreamHost } from './upstream-address.js';

/**
 * The lookup the socket connects with: resolve once, refuse if any address is not public, and
 * hand back exactly the addresses that were checked — so a DNS answer that changes between a
 * check and the connect (rebinding) has nothing to slip through. TLS still verifies the
 * certificate against the hostname (undici passes it as the servername).
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  const family = options.family === 4 || options.family === 6 ? options.family : 0;
  resolveUpstreamHost(hostname, family).then(
    (addresses) => {
      const [first] = addresses;
      if (options.all) callback(null, addresses);
      else if (first) callback(null, first.address, first.family);
      else callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
    },
    (error: NodeJS.ErrnoException) => callback(error, '', 0),
  );
};

/**
 * An undici Agent for upstreams a tenant chose (custom providers; webhooks later): connects only
 * to public addresses unless `allowPrivate`, the operator's switch for single-tenant installs.
 * Like every undici dispatcher it never follows redirects; callers treat a 3xx as a failure.
 */
export function createGuardedAgent(options: Agent.Options & { allowPrivate: boolean }): Agent {
  const { allowPrivate, ...agentOptions } = options;
  if (allowPrivate) return new Agent(agentOptions);
  const connectSocket = buildConnector({ lookup: guardedLookup });
  return new Agent({
    ...agentOptions,
    connect(connectOptions, callback) {
      // An IP literal never reaches `lookup` (the socket connects to it directly): check it here.
      try {
        checkUpstreamHost(connectOptions.hostname);
      } catch (error) {
        callback(error as Error, null);
        return;
      }
      connectSocket(connectOptions, callback);
    },
  });
}
