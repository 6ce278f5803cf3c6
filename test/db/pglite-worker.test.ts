import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Database, openDatabase } from '../../server/db/database.js';
import { Prisma } from '../../server/db/generated/client.js';
import { createTestDatabase } from '../support/test-database.js';

// The embedded database runs in a worker thread behind a driver adapter that forwards over a
// MessagePort (server/db/pglite-in-worker.ts). These check that Prisma sees the same database.
describe('embedded database in a worker thread', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase('pglite');
  });
  afterAll(() => db.close());

  const email = (name: string) => `${name}-${Math.random().toString(36).slice(2)}@worker.test`;

  it('round-trips decimals, arrays, dates and nulls', async () => {
    const created = await db.prisma.organization.create({
      data: {
        name: 'Worker "quoted" \u{1F600}',
        slug: `w-${Math.random().toString(36).slice(2)}`,
        creditBalance: new Prisma.Decimal('12345678.000000000001'),
        allowedModels: ['openai/*', 'it\'s "odd", {x}'],
      },
    });
    const read = await db.prisma.organization.findUniqueOrThrow({ where: { id: created.id } });
    expect(read.name).toBe('Worker "quoted" \u{1F600}');
    expect(read.creditBalance.toFixed(12)).toBe('12345678.000000000001');
    expect(read.allowedModels).toEqual(['openai/*', 'it\'s "odd", {x}']);
    expect(read.hostedCostMultiplier).toBeNull();
    expect(read.createdAt).toBeInstanceOf(Date);
    expect(read.createdAt.getTime()).toBe(created.createdAt.getTime());
  });

  it('runs with the small shared buffers that keep its memory down', async () => {
    expect(await db.prisma.$queryRaw<{ shared_buffers: string }[]>`SHOW shared_buffers`).toEqual([{ shared_buffers: '32MB' }]);
  });

  it('a unique violation is P2002 naming the field, and the next query still works', async () => {
    const address = email('dup');
    await db.prisma.user.create({ data: { email: address } });
    const error = await db.prisma.user.create({ data: { email: address } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');
    expect(JSON.stringify((error as Prisma.PrismaClientKnownRequestError).meta)).toContain('email');
    expect(await db.prisma.user.count({ where: { email: address } })).toBe(1);
  });

  it('a bad raw statement fails with PostgreSQL’s code and does not poison the connection', async () => {
    const error = await db.prisma.$queryRawUnsafe('SELEC 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect(JSON.stringify((error as Prisma.PrismaClientKnownRequestError).meta)).toContain('42601');
    expect(await db.prisma.$queryRaw<{ one: number }[]>`SELECT 1::int AS one`).toEqual([{ one: 1 }]);
  });

  it('an interactive transaction commits, and one that throws rolls back', async () => {
    const kept = email('kept');
    const dropped = email('dropped');
    await db.prisma.$transaction(async (tx) => {
      await tx.user.create({ data: { email: kept } });
      expect(await tx.user.count({ where: { email: kept } })).toBe(1);
    });
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { email: dropped } });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await db.prisma.user.count({ where: { email: { in: [kept, dropped] } } })).toBe(1);
  });

  it('a query issued while a transaction is open waits for it instead of joining it (so a rollback does not take it along)', async () => {
    const inside = email('inside');
    const outside = email('outside');
    let outsideWrite: Promise<unknown> | undefined;
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { email: inside } });
        outsideWrite = db.prisma.user.create({ data: { email: outside } });
        // Give the outside write every chance to reach the worker while the transaction is open.
        await new Promise((resolve) => setTimeout(resolve, 50));
        await tx.user.count();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await outsideWrite;
    expect(await db.prisma.user.count({ where: { email: inside } })).toBe(0);
    expect(await db.prisma.user.count({ where: { email: outside } })).toBe(1);
  });

  it('serves many concurrent queries, transactions among them', async () => {
    const prefix = `conc-${Math.random().toString(36).slice(2)}`;
    const work = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0
        ? db.prisma.$transaction(async (tx) => tx.user.create({ data: { email: `${prefix}-${i}@worker.test` } }))
        : i % 3 === 1
          ? db.prisma.user.create({ data: { email: `${prefix}-${i}@worker.test` } })
          : db.prisma.user.findMany({ where: { email: { startsWith: prefix } } }),
    );
    await Promise.all(work);
    expect(await db.prisma.user.count({ where: { email: { startsWith: prefix } } })).toBe(40);
  });

  it('a script error reaches the caller through the adapter', async () => {
    const adapter = await db.adapterFactory.connect();
    await expect(adapter.executeScript('CREATE TABLE worker_script_probe (id int); SELEC 1;')).rejects.toMatchObject({
      name: 'DriverAdapterError',
    });
    await adapter.dispose();
  });
});

describe('embedded database worker lifecycle', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyplane-worker-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps what it wrote in its data dir across close and reopen', { timeout: 90_000 }, async () => {
    const dataDir = tempDir();
    // Started from the migrated template: a fresh initdb takes seconds.
    const first = await openDatabase({ dataDir, loadDataDir: inject('pgliteTemplatePath') });
    await first.prisma.$executeRawUnsafe('CREATE TABLE kept (v text)');
    await first.prisma.$executeRawUnsafe(`INSERT INTO kept VALUES ('still here')`);
    await first.close();
    const second = await openDatabase({ dataDir });
    expect(await second.prisma.$queryRawUnsafe('SELECT v FROM kept')).toEqual([{ v: 'still here' }]);
    await second.close();
  });

  it('close rolls back a transaction left open and ends the thread; later queries fail instead of hanging', {
    timeout: 60_000,
  }, async () => {
    const db = await openDatabase({ loadDataDir: inject('pgliteTemplatePath') });
    const adapter = await db.adapterFactory.connect();
    const tx = await adapter.startTransaction();
    await tx.executeRaw({ sql: 'CREATE TABLE t (v int)', args: [], argTypes: [] });
    await db.close();
    await expect(adapter.queryRaw({ sql: 'SELECT 1', args: [], argTypes: [] })).rejects.toThrow(/closed/);
  });

  it('reports a data dir PGlite cannot open', async () => {
    const notADir = join(tempDir(), 'file');
    writeFileSync(notADir, 'not a database');
    await expect(openDatabase({ dataDir: notADir })).rejects.toThrow();
  });
});
