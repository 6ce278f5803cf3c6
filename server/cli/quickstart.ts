import type { PrismaClient } from '../db/database.js';
import type { Actor } from '../domain/actor.js';
import type { Services } from '../domain/services.js';
import { generateKey, getProvider } from '../providers/registry.js';
import { randomBase62 } from '../secrets/tokens.js';

/** The organization the quickstart creates once and reuses on every later run. */
export const QUICKSTART_ORG_SLUG = 'quickstart';
const PROJECT_NAME = 'first-project';
/** The model of the README's first curl: OpenAI serves it, so one OpenAI key is enough. */
export const QUICKSTART_MODEL = 'gpt-4o-mini';
/** Where `npm run simulate` (default port) serves OpenAI's API; the quickstart test holds it to that. */
export const simulatorOpenAiBaseUrl = (port: number) => `http://127.0.0.1:${port}/openai/v1`;

export interface QuickstartContext {
  services: Services;
  prisma: PrismaClient;
  admin: { email: string | undefined; password: string | undefined; token: string | undefined };
  /** Where the server will listen (`http://HOST:PORT`). */
  serverUrl: string;
  say(line: string): void;
}

export interface QuickstartOptions {
  /** A real OpenAI key to store; without one, a stand-in key for the simulator is stored. */
  openaiKey?: string;
  /** The simulator's port (`npm run simulate` listens on 4010). */
  simulatorPort: number;
}

export interface QuickstartResult {
  organizationId: string;
  projectId: string;
  gatewayKey: string;
  /** Environment the server must start with (the simulator's base URL), empty with a real key. */
  env: Record<string, string>;
}

/**
 * `keyplane quickstart`: the shortest path to a first 200 — an organization, a project in
 * API_KEYS mode with the organization's own OpenAI key (a real one, or a stand-in the
 * simulator accepts), and a new gateway key, then the exact commands to run. Safe to run again:
 * the organization and project are reused, a new gateway key is issued each time.
 */
export async function quickstart(ctx: QuickstartContext, options: QuickstartOptions): Promise<QuickstartResult> {
  const { services, prisma, say } = ctx;
  const operator = await operatorActor(ctx);
  const existing = await prisma.organization.findUnique({ where: { slug: QUICKSTART_ORG_SLUG }, select: { id: true } });
  const organizationId =
    existing?.id ?? (await services.organizations.create(operator, { name: 'Quickstart', slug: QUICKSTART_ORG_SLUG })).id;
  const project =
    (await prisma.project.findFirst({ where: { organizationId, name: PROJECT_NAME }, select: { id: true } })) ??
    (await services.projects.create(operator, { organizationId, name: PROJECT_NAME, mode: 'API_KEYS' }));

  const simulated = options.openaiKey === undefined;
  const openai = getProvider('openai');
  if (!openai) throw new Error('The provider registry has no openai');
  const providerKey = options.openaiKey ?? generateKey(openai.keyFormat, randomBase62);
  const stored = await services.providerKeys.set(operator, { organizationId, provider: 'openai', key: providerKey });
  const { secret } = await services.gatewayKeys.create(operator, {
    projectId: project.id,
    name: `quickstart ${new Date().toISOString().slice(0, 19).replace('T', ' ')}`,
  });

  const env: Record<string, string> = simulated ? { OPENAI_BASE_URL: simulatorOpenAiBaseUrl(options.simulatorPort) } : {};
  say(`Organization "Quickstart" (${organizationId}), project "${PROJECT_NAME}" (${project.id}) in API_KEYS mode.`);
  say(
    simulated
      ? `Stored a stand-in OpenAI key (${stored.mask}) that the local simulator accepts; run with --openai-key sk-… to use OpenAI itself.`
      : `Stored your OpenAI key (${stored.mask}) as the organization's key.`,
  );
  say('');
  say('Gateway key (shown once; keyplane stores only its hash):');
  say(`  ${secret}`);
  say('');
  let step = 1;
  if (simulated) {
    say(`${step++}. In another terminal, start the provider simulator (port ${options.simulatorPort}):`);
    say('     npm run simulate');
  }
  say(`${step++}. Start keyplane${simulated ? ' with OpenAI pointed at the simulator' : ''}:`);
  say(
    `     ${Object.entries(env)
      .map(([name, value]) => `${name}=${value} `)
      .join('')}npm start`,
  );
  say(`${step}. Send a first request:`);
  say(`     curl ${ctx.serverUrl}/v1/chat/completions \\`);
  say(`       -H 'authorization: Bearer ${secret}' -H 'content-type: application/json' \\`);
  say(`       -d '{"model":"${QUICKSTART_MODEL}","messages":[{"role":"user","content":"Hello"}]}'`);
  return { organizationId, projectId: project.id, gatewayKey: secret, env };
}

/** The operator acts for the CLI; created first when the server never started on this database. */
async function operatorActor(ctx: QuickstartContext): Promise<Actor> {
  const { services, prisma, say } = ctx;
  const created = await services.auth.bootstrap({ ...ctx.admin, generatePassword: () => randomBase62(20) });
  if (created?.generated) say(`Created the operator account ${created.email} with password ${created.password} (shown once).`);
  const user = await prisma.user.findFirst({ where: { isOperator: true }, orderBy: { createdAt: 'asc' } });
  if (!user) throw new Error('No operator account to act as');
  return { userId: user.id, email: user.email, isOperator: true, roles: new Map(), label: `${user.email} (quickstart)` };
}
