/**
 * A tenant changing its configuration while others send traffic: an organization of its own
 * creates a gateway key every `everyMs` (a CI job minting keys, a script, a busy dashboard). Each
 * change is announced to every instance's request-path caches; what it costs the other tenants
 * is what `tail-probe --churn` measures.
 */
import { graphql } from './servers.js';

export interface ConfigChurn {
  /** Stops the changes; resolves with how many were made. */
  stop(): Promise<number>;
}

export async function startConfigChurn(url: string, adminToken: string, everyMs: number): Promise<ConfigChurn> {
  const { createOrganization } = await graphql<{ createOrganization: { id: string } }>(
    url,
    adminToken,
    'mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }',
    { i: { name: 'Bench churning tenant' } },
  );
  const { createProject } = await graphql<{ createProject: { id: string } }>(
    url,
    adminToken,
    'mutation($i: CreateProjectInput!) { createProject(input: $i) { id } }',
    { i: { organizationId: createOrganization.id, name: 'churn', mode: 'CREDITS' } },
  );
  let made = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const started = Date.now();
      await graphql(url, adminToken, 'mutation($i: CreateGatewayKeyInput!) { createGatewayKey(input: $i) { secret } }', {
        i: { projectId: createProject.id, name: `churn ${made}` },
      });
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
