import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isProviderId } from '../../shared/catalog/providers.js';
import { ORG_ROLES, type OrgRole } from '../../shared/domain.js';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { secureDataDir } from '../db/data-dir.js';
import { DataDirBusyError, lockDataDir } from '../db/data-dir-lock.js';
import { openDatabase } from '../db/database.js';
import { applyMigrations, createMigration } from '../db/migrations.js';
import { reencryptSealedTables, SEALED_TABLES } from '../domain/encryption/sealed-tables.js';
import { DomainError } from '../domain/errors.js';
import { envFlagOverrides } from '../domain/flags/feature-flag.service.js';
import { createServices } from '../domain/services.js';
import { createLogger } from '../observability/logger.js';
import { createPlatform } from '../platform.js';
import { type KeyRing, KeyRingError, resolveKeyRing } from '../secrets/key-ring.js';
import { quickstart } from './quickstart.js';
import { rotateEncryptionKey } from './rotate-encryption-key.js';
import { seedDemo } from './seed-demo.js';

const USAGE = `Usage: keyplane <command> [options]

Commands:
  quickstart [--openai-key K] [--simulator-port N]
                                  Create an organization, a project and a gateway key, and print the
                                  commands for a first request (against \`npm run simulate\` unless
                                  --openai-key gives a real OpenAI key); run it before \`npm start\`
  migrate                         Apply pending database migrations
  migrate:create <name>           Write a migration for changes to prisma/schema.prisma
  create-token --email E --role R [--org ID] [--name N]
                                  Issue an access token. R is OPERATOR, or OWNER|ADMIN|MEMBER with --org
  reset-password --email E [--password-stdin]
                                  Set a new password (generated and printed once, or read from stdin)
                                  and end that account's sessions and access tokens
  rotate-encryption-key           Re-encrypt every stored secret (${SEALED_TABLES.map((table) => table.holds).join(', ')})
                                  with the first KEYPLANE_ENCRYPTION_KEY
  seed-demo [--records N]         Fill the database with demo organizations, members, keys, credits
                                  and a month of usage (default 4000 records); skipped if present

The database is DATABASE_URL, or the embedded one in KEYPLANE_DATA_DIR (./data).`;

const say = (line: string) => process.stdout.write(`${line}\n`);

interface CliContext {
  services: ReturnType<typeof createServices>;
  db: Awaited<ReturnType<typeof openDatabase>>;
  config: ReturnType<typeof loadConfig>;
  hostedKeyNames: ReadonlyMap<string, readonly string[]>;
  keyRing: KeyRing;
}

/** `keyRingOnceOpen` replaces the configured ring; it is called once the database is open. */
async function withServices<T>(run: (ctx: CliContext) => Promise<T>, keyRingOnceOpen?: () => KeyRing) {
  const config = loadConfig();
  let ringOnceOpen = keyRingOnceOpen;
  if (!ringOnceOpen) {
    // A bad configured key fails before the database is opened.
    const configured = resolveKeyRing(config);
    ringOnceOpen = () => configured;
  }
  const db = await openCliDatabase(config);
  try {
    await applyMigrations(db);
    const keyRing = ringOnceOpen();
    const { state, hostedKeyNames, envKeyNames } = createPlatform(config, createLogger({ level: 'warn' }));
    const services = createServices({
      prisma: db.prisma,
      direct: db.lookups,
      keyRing,
      providers: { has: isProviderId },
      envFlagOverrides: envFlagOverrides(config.hostedKeyLlm),
      state,
      hostedKeyNames,
      envKeyNames,
      allowPrivateUpstreams: config.allowPrivateUpstreams,
      publicUrl: config.publicUrl,
    });
    return await run({ services, db, config, hostedKeyNames, keyRing });
  } finally {
    await db.close();
  }
}

/** The configured database; an embedded data dir is made owner-only (before and once created). */
async function openCliDatabase(config: Config) {
  if (config.databaseUrl) return openDatabase({ url: config.databaseUrl });
  secureDataDir(config.dataDir);
  // Checked before PGlite opens, which would crash on a data dir a running server holds.
  const unlock = lockDataDir(config.dataDir, 'cli');
  try {
    const db = await openDatabase({ dataDir: join(config.dataDir, 'db') });
    secureDataDir(config.dataDir);
    return {
      ...db,
      close: async () => {
        await db.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

const commands: Record<string, (args: string[]) => Promise<void>> = {
  async migrate() {
    const db = await openCliDatabase(loadConfig());
    try {
      const applied = await applyMigrations(db);
      say(
        applied.length ? `Applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}` : 'Database is up to date; nothing to apply.',
      );
    } finally {
      await db.close();
    }
  },

  async 'migrate:create'(args) {
    const name = args[0];
    if (!name) throw new UsageError('migrate:create needs a name, e.g. `keyplane migrate:create add_regions`');
    say('Diffing prisma/schema.prisma against the committed migrations…');
    const dir = await createMigration(name);
    say(
      dir
        ? `Created ${dir}/migration.sql — review it, then run \`keyplane migrate\`.`
        : 'The schema matches the migrations; nothing to create.',
    );
  },

  async 'create-token'(args) {
    const { values } = parseArgs({
      args,
      options: { email: { type: 'string' }, role: { type: 'string' }, org: { type: 'string' }, name: { type: 'string' } },
    });
    if (!values.email || !values.role) throw new UsageError('create-token needs --email and --role');
    const role = values.role.toUpperCase();
    const operator = role === 'OPERATOR';
    if (!operator && !(ORG_ROLES as readonly string[]).includes(role))
      throw new UsageError('--role must be OPERATOR, OWNER, ADMIN or MEMBER');
    if (!operator && !values.org) throw new UsageError(`--role ${role} needs --org <organization id>`);
    await withServices(async ({ services, db }) => {
      if (values.org && !(await db.prisma.organization.findUnique({ where: { id: values.org } }))) {
        throw new UsageError(`No organization with id ${values.org}`);
      }
      const { token, secret } = await services.auth.createTokenForUser({
        email: values.email as string,
        name: values.name ?? `cli ${new Date().toISOString().slice(0, 10)}`,
        operator,
        ...(values.org && !operator ? { organization: { id: values.org, role: role as OrgRole } } : {}),
      });
      say(`Created access token "${token.name}" for ${values.email} (${operator ? 'operator' : `${role} of ${values.org}`}).`);
      say('It is shown once. Send it as: Authorization: Bearer <token>');
      say(secret);
    });
  },

  async 'reset-password'(args) {
    const { values } = parseArgs({ args, options: { email: { type: 'string' }, 'password-stdin': { type: 'boolean' } } });
    if (!values.email) throw new UsageError('reset-password needs --email');
    const chosen = values['password-stdin'] ? (await readStdin()).replace(/\r?\n$/, '') : undefined;
    await withServices(async ({ services }) => {
      const result = await services.auth.setPassword(values.email as string, chosen);
      say(
        `Set a new password for ${result.email}; its sessions were signed out and ${result.revokedAccessTokens} access token(s) revoked.`,
      );
      if (result.generated) {
        say('It is shown once:');
        say(result.password);
      }
    });
  },

  async 'rotate-encryption-key'() {
    await rotateEncryptionKey(loadConfig(), {
      say,
      reencryptWith: (keyRing) =>
        withServices(
          ({ db, keyRing: ring }) =>
            reencryptSealedTables(db.prisma, ring, (holds, done, total) => {
              process.stderr.write(`  ${holds}: ${done}/${total}${done === total ? '\n' : '\r'}`);
            }),
          keyRing,
        ),
    });
  },

  async quickstart(args) {
    const { values } = parseArgs({ args, options: { 'openai-key': { type: 'string' }, 'simulator-port': { type: 'string' } } });
    const port = Number(values['simulator-port'] ?? 4010);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError('--simulator-port must be a port number');
    await withServices(async ({ services, db, config }) => {
      await quickstart(
        { services, prisma: db.prisma, admin: config.admin, serverUrl: config.publicUrl, say },
        { simulatorPort: port, ...(values['openai-key'] ? { openaiKey: values['openai-key'] } : {}) },
      );
    });
  },

  async 'seed-demo'(args) {
    const { values } = parseArgs({ args, options: { records: { type: 'string' } } });
    const records = values.records === undefined ? undefined : Number(values.records);
    if (records !== undefined && (!Number.isInteger(records) || records < 0 || records > 1_000_000)) {
      throw new UsageError('--records must be a whole number from 0 to 1000000');
    }
    await withServices(async ({ services, db, config, hostedKeyNames }) => {
      await seedDemo(
        {
          services,
          prisma: db.prisma,
          hostedCostMultiplier: config.hostedCostMultiplier,
          hostedKeyNames,
          admin: config.admin,
          say,
          progress: (done, total) => process.stderr.write(`  ${done}/${total} usage records${done === total ? '\n' : '\r'}`),
        },
        records === undefined ? {} : { records },
      );
    });
  },
};

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    say(USAGE);
    return command ? 0 : 2;
  }
  const handler = commands[command];
  if (!handler) {
    process.stderr.write(`keyplane: unknown command "${command}"\n\n${USAGE}\n`);
    return 2;
  }
  try {
    await handler(rest);
    return 0;
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof KeyRingError ||
      error instanceof DomainError ||
      error instanceof DataDirBusyError
    ) {
      process.stderr.write(`keyplane ${command}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

const exitCode = await run(process.argv.slice(2));
// The WASM schema engine leaves a 10-second timer behind; exit once output is flushed
// instead of making the operator wait for it.
process.stdout.write('', () => process.stderr.write('', () => process.exit(exitCode)));
