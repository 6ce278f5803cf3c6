/**
 * A tenant changing its configuration while others send traffic: an organization of its own
 * creates a gateway key every `everyMs` (a CI job minting keys, a script, a busy dashboard). Each
 * change is announced to every instance's request-path caches; what it costs the other tenants
 * is what `tail-probe --churn` measures.
 */
import { createGatewayKey, createOrganization, createProject } from './servers.js';

export interface ConfigChurn {
  /** Stops the changes; resolves with how many were made. */
  stop(): Promise<number>;
}

export async function startConfigChurn(url: string, adminToken: string, everyMs: number): Promise<ConfigChurn> {
  const organizationId = await createOrganization(url, adminToken, 'Bench churning tenant');
  const projectId = await createProject(url, adminToken, organizationId, 'churn', 'CREDITS');
  let made = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const started = Date.now();
      await createGatewayKey(url, adminToken, projectId, `churn ${made}`);
      made += 1;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, everyMs - (Date.now() - started))));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return made;
    },
  };
}
