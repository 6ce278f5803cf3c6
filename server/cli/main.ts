import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ORG_ROLES, type OrgRole } from '../../shared/domain.js';
import { isProviderId } from '../../shared/catalog/providers.js';
import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { applyMigrations, createMigration } from '../db/migrations.js';
import { DomainError } from '../domain/errors.js';
import { envFlagOverrides } from '../domain/flags/feature-flag.service.js';
import { createServices } from '../domain/services.js';
import { createLogger } from '../observability/logger.js';
import { createPlatform } from '../platform.js';
import { KeyRingError, resolveKeyRing } from '../secrets/key-ring.js';
import { seedDemo } from './seed-demo.js';


const USAGE = `Usage: keyplane <command> [options]

Commands:
  migrate                         Apply pending database migrations
  migrate:create <name>           Write a migration for changes to prisma/schema.prisma
  create-token --email E --role R [--org ID] [--name N]
                                  Issue an access token. R is OPERATOR, or OWNER|ADMIN|MEMBER with --org
  rotate-encryption-key           Re-encrypt stored provider keys with the first KEYPLANE_ENCRYPTION_KEY
  seed-demo [--records N]         Fill the database with demo organizations, members, keys, credits
                                  and a month of usage (default 4000 records); skipped if present

The database is DATABASE_URL, or the embedded one in KEYPLANE_DATA_DIR (./data).`;

const say = (line: string) => process.stdout.write(`${line}\n`);

interface CliContext {
  services: ReturnType<typeof createServices>;
  db: Awaited<ReturnType<typeof openDatabase>>;
  config: ReturnType<typeof loadConfig>;
  hostedKeyNames: ReadonlyMap<string, readonly string[]>;
}

async function withServices<T>(run: (ctx: CliContext) => Promise<T>) {
  const config = loadConfig();
  const keyRing = resolveKeyRing(config);
  const db = await openDatabase({ url: config.databaseUrl, dataDir: join(config.dataDir, 'db') });
  try {
    await applyMigrations(db);
    const { state, hostedKeyNames } = createPlatform(config, createLogger({ level: 'warn' }));
    const services = createServices({
      prisma: db.prisma,
      keyRing,
      providers: { has: isProviderId },
      envFlagOverrides: envFlagOverrides(config.hostedKeyLlm),
      state,
      hostedKeyNames,
    });
    return await run({ services, db, config, hostedKeyNames });
  } finally {
    await db.close();
  }
}

const commands: Record<string, (args: string[]) => Promise<void>> = {
  async migrate() {
    const config = loadConfig();
    const db = await openDatabase({ url: config.databaseUrl, dataDir: join(config.dataDir, 'db') });
    try {
      const applied = await applyMigrations(db);
      say(applied.length ? `Applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}` : 'Database is up to date; nothing to apply.');
    } finally {
      await db.close();
    }
  },

  async 'migrate:create'(args) {
    const name = args[0];
    if (!name) throw new UsageError('migrate:create needs a name, e.g. `keyplane migrate:create add_regions`');
    say('Diffing prisma/schema.prisma against the committed migrations…');
    const dir = await createMigration(name);
    say(dir ? `Created ${dir}/migration.sql — review it, then run \`keyplane migrate\`.` : 'The schema matches the migrations; nothing to create.');
  },

  async 'create-token'(args) {
    const { values } = parseArgs({ args, options: { email: { type: 'string' }, role: { type: 'string' }, org: { type: 'string' }, name: { type: 'string' } } });
    if (!values.email || !values.role) throw new UsageError('create-token needs --email and --role');
    const role = values.role.toUpperCase();
    const operator = role === 'OPERATOR';
    if (!operator && !(ORG_ROLES as readonly string[]).includes(role)) throw new UsageError('--role must be OPERATOR, OWNER, ADMIN or MEMBER');
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

  async 'rotate-encryption-key'() {
    await withServices(async ({ services }) => {
      const changed = await services.providerKeys.reencryptAll((done, total) => {
        if (done === total || done % 100 === 0) process.stderr.write(`  re-encrypted ${done}/${total}\r`);
      });
      say(`\nRe-encrypted ${changed} provider key(s) with the first key in KEYPLANE_ENCRYPTION_KEY.`);
      say('Older keys can be removed from KEYPLANE_ENCRYPTION_KEY once every instance runs with the new ring.');
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
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof KeyRingError || error instanceof DomainError) {
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
