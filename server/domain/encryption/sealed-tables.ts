import type { PrismaClient } from '../../db/database.js';
import type { Prisma } from '../../db/generated/client.js';
import type { KeyRing, Sealed } from '../../secrets/key-ring.js';

/** The columns KeyRing.seal writes, named alike in every table that stores a sealed secret. */
const SEALED_COLUMNS = { id: true, ciphertext: true, iv: true, authTag: true, keyVersion: true } as const;

type SealedRow = Sealed & { id: string };

/** What re-encryption and the key survey need of a table's Prisma delegate. */
interface SealedRows {
  count(args: { where: { keyVersion: string | { not: string } } }): Promise<number>;
  findMany(args: {
    where: { keyVersion: { not: string } };
    select: typeof SEALED_COLUMNS;
    orderBy: { id: 'asc' };
    take: number;
  }): Promise<SealedRow[]>;
  updateMany(args: { where: { id: string; iv: Uint8Array<ArrayBuffer> }; data: Sealed }): Promise<{ count: number }>;
  groupBy(args: { by: 'keyVersion'[] }): Promise<{ keyVersion: string }[]>;
}

export interface SealedTable {
  /** The Prisma model (test/domain/encryption/sealed-tables.test.ts checks the schema against this list). */
  model: Prisma.ModelName;
  /** What its rows hold, plural, for the command's summary and /readyz. */
  holds: string;
  rows(prisma: PrismaClient): SealedRows;
}

/**
 * Every table holding a secret sealed with the key ring: the one list `keyplane
 * rotate-encryption-key` re-encrypts and /readyz checks. A table left out would stay on the old
 * key and become unreadable once that key is dropped from the ring.
 */
export const SEALED_TABLES: readonly SealedTable[] = [
  { model: 'ProviderKey', holds: 'provider keys', rows: (prisma) => prisma.providerKey },
  { model: 'Webhook', holds: 'webhook signing secrets', rows: (prisma) => prisma.webhook },
];

export interface ReencryptedTable {
  holds: string;
  reencrypted: number;
  /** Rows already sealed with the ring's first key (e.g. by an interrupted earlier run): skipped. */
  alreadyCurrent: number;
}

/** Rows read and re-sealed per round trip. */
const BATCH = 100;

/**
 * Re-seal every row of every sealed table with the ring's first key, table by table. Rows on
 * that key are skipped, so running it again finishes an interrupted run and is otherwise a no-op.
 * A row sealed with a key the ring lacks throws KeyRingError (naming the fingerprint only).
 */
export async function reencryptSealedTables(
  prisma: PrismaClient,
  keyRing: KeyRing,
  onProgress?: (holds: string, done: number, total: number) => void,
): Promise<ReencryptedTable[]> {
  const summary: ReencryptedTable[] = [];
  for (const table of SEALED_TABLES) {
    const rows = table.rows(prisma);
    const current = keyRing.primaryVersion;
    const alreadyCurrent = await rows.count({ where: { keyVersion: current } });
    const total = await rows.count({ where: { keyVersion: { not: current } } });
    let reencrypted = 0;
    for (;;) {
      const stale = await rows.findMany({
        where: { keyVersion: { not: current } },
        select: SEALED_COLUMNS,
        orderBy: { id: 'asc' },
        take: BATCH,
      });
      if (stale.length === 0) break;
      for (const row of stale) {
        // Only if the row still holds what was read (its IV is unique per seal): a secret replaced
        // meanwhile by a running server is not overwritten with the old one; the next batch re-reads it.
        const { count } = await rows.updateMany({ where: { id: row.id, iv: row.iv }, data: keyRing.seal(keyRing.open(row)) });
        reencrypted += count;
      }
      onProgress?.(table.holds, reencrypted, total);
    }
    summary.push({ holds: table.holds, reencrypted, alreadyCurrent });
  }
  return summary;
}

/** A key fingerprint that sealed stored rows but is missing from the ring, and what those rows hold. */
export interface UnreadableKeyVersion {
  keyVersion: string;
  holds: string[];
}

export async function unreadableKeyVersions(prisma: PrismaClient, keyRing: KeyRing): Promise<UnreadableKeyVersion[]> {
  const missing = new Map<string, string[]>();
  for (const table of SEALED_TABLES) {
    for (const { keyVersion } of await table.rows(prisma).groupBy({ by: ['keyVersion'] })) {
      if (!keyRing.canOpen(keyVersion)) missing.set(keyVersion, [...(missing.get(keyVersion) ?? []), table.holds]);
    }
  }
  return [...missing].map(([keyVersion, holds]) => ({ keyVersion, holds }));
}
