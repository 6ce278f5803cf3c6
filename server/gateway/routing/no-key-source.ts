import type { ProjectMode } from '../../../shared/domain.js';
import { envPrefix } from '../../providers/registry.js';

/** What the gateway knows about the key sources of the providers serving a refused model. */
export interface NoKeySourceFacts {
  mode: ProjectMode;
  /** The model as the caller wrote it. */
  model: string;
  /** Providers that serve it (the one named, for `provider/model`). */
  providers: readonly string[];
  /** hosted-key-llm for this project, after every override. */
  hostedEnabled: boolean;
  /** Whether a caller's x-provider-api-key came with the request. */
  userKeySent: boolean;
  /** Names of the provider's hosted pool keys (`OPENAI_API_KEY_1`, …), never their values. */
  poolKeyNames(provider: string): readonly string[];
}

/**
 * The 403 `no_key_source` message: which key source the project's mode needs and is missing,
 * and who adds it how — so a caller never has to guess between a BYOK key, the flag and a
 * platform key. Names variables and operations, never a secret.
 */
export function explainNoKeySource(facts: NoKeySourceFacts): string {
  const providers = facts.providers.length > 0 ? facts.providers : ['(none)'];
  const first = providers[0] ?? 'openai';
  const model = facts.model.slice(0, 100);
  const bare = model.includes('/') ? model.slice(model.indexOf('/') + 1) : model;
  const served = `"${model}" (served by ${providers.join(', ')})`;
  const ownKey = `add the organization's ${first} key with setProviderKey, or send x-provider-api-key ` + `with model "${first}/${bare}"`;
  const platform = platformAdvice(facts, providers);
  switch (facts.mode) {
    case 'API_KEYS':
      return (
        `No key for ${served}: this project is in API_KEYS mode, so it uses only the caller's ` +
        `x-provider-api-key and the organization's stored keys, and neither is set for ${providers.join(' or ')}. ` +
        `To fix it, ${ownKey}; or switch the project to HYBRID or CREDITS (updateProject) to use platform keys.`
      );
    case 'CREDITS':
      return (
        `No key for ${served}: this project is in CREDITS mode, so it uses platform keys only` +
        `${facts.userKeySent ? ' (x-provider-api-key is ignored in this mode)' : ''}, and ${platform}` +
        `; or switch the project to HYBRID or API_KEYS (updateProject) and ${ownKey}.`
      );
    default:
      return (
        `No key for ${served}: this project is in HYBRID mode and no key source has a key for it. ` +
        `Either ${ownKey}; or use platform keys: ${platform}.`
      );
  }
}

/** Why platform keys did not serve, and what an operator does about it. */
function platformAdvice(facts: NoKeySourceFacts, providers: readonly string[]): string {
  const pooled = providers.flatMap((provider) => facts.poolKeyNames(provider));
  if (pooled.length > 0 && !facts.hostedEnabled) {
    const names = pooled.length > 1 ? `${pooled[0]}…` : pooled[0];
    return (
      `the hosted-key-llm flag is off for it while ${names} exist — an operator turns it on with ` +
      'setFeatureFlag(input: {key: "hosted-key-llm", enabled: true, …}) or HOSTED_KEY_LLM=true'
    );
  }
  const prefix = envPrefix(providers[0] ?? 'openai');
  return (
    `no platform key is configured for ${providers.join(' or ')} — an operator sets ${prefix}_API_KEY_1… ` +
    `(used while the hosted-key-llm flag is on) or ${prefix}_API_KEY and restarts keyplane`
  );
}
