import type { Config } from '../config.js';
import type { ReencryptedTable } from '../domain/encryption/sealed-tables.js';
import { readKeyFile, writeKeyFile } from '../secrets/key-file.js';
import { generateEncryptionKey, KeyRing, resolveKeyRing } from '../secrets/key-ring.js';

export interface RotationDeps {
  /**
   * Open the database and re-encrypt every sealed table (SEALED_TABLES) with the ring `keyRing()`
   * returns (called once it is open).
   */
  reencryptWith(keyRing: () => KeyRing): Promise<ReencryptedTable[]>;
  say(line: string): void;
}

/**
 * `keyplane rotate-encryption-key`. With KEYPLANE_ENCRYPTION_KEY set the operator owns the ring:
 * rows are re-encrypted with its first key and the command says what to change next. Embedded
 * without it, the ring is the data dir's key file, and this command rotates that file itself:
 *   1. write [new, old…] (atomically): from here any crash leaves a ring that opens every row;
 *   2. re-encrypt every row with the new key;
 *   3. write [new] once no row needs the old keys.
 * A crash before 3 is finished by running the command again.
 */
export async function rotateEncryptionKey(config: Config, deps: RotationDeps): Promise<void> {
  if (config.encryptionKey || config.databaseUrl) {
    const ring = resolveKeyRing(config);
    const tables = await deps.reencryptWith(() => ring);
    sayTables(deps, 'Re-encrypted with the first key in KEYPLANE_ENCRYPTION_KEY:', tables);
    deps.say('Older keys can be removed from KEYPLANE_ENCRYPTION_KEY once every instance runs with the new ring.');
    if (!config.databaseUrl) {
      deps.say('KEYPLANE_ENCRYPTION_KEY overrides encryption.key in the data dir: keep it set, or stored secrets become unreadable.');
    }
    return;
  }
  const next = generateEncryptionKey();
  const tables = await deps.reencryptWith(() => {
    const ring = [next, ...(readKeyFile(config.dataDir) ?? [])];
    writeKeyFile(config.dataDir, ring);
    return new KeyRing(ring);
  });
  writeKeyFile(config.dataDir, [next]);
  sayTables(deps, 'Re-encrypted with a new key:', tables);
  deps.say('encryption.key in the data dir now holds only that key.');
}

/** One line per table: counts only, never a secret or a key. */
function sayTables(deps: RotationDeps, heading: string, tables: readonly ReencryptedTable[]): void {
  deps.say(`\n${heading}`);
  for (const table of tables) {
    deps.say(`  ${table.holds}: ${table.reencrypted} re-encrypted, ${table.alreadyCurrent} already on that key`);
  }
}
