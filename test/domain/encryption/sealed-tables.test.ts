/**
 * SEALED_TABLES is the one list of tables holding key-ring-sealed secrets: rotation re-encrypts
 * only those and /readyz checks only those. A model with a `ciphertext` column the list does not
 * name would stay on the old key and break once it is dropped, so the schema is checked here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEALED_TABLES } from '../../../server/domain/encryption/sealed-tables.js';
import { PROJECT_ROOT } from '../../../server/paths.js';

/** Each model in prisma/schema.prisma with the names of its fields. */
function schemaModels(): Map<string, string[]> {
  const schema = readFileSync(join(PROJECT_ROOT, 'prisma', 'schema.prisma'), 'utf8');
  const models = new Map<string, string[]>();
  for (const [, name, body] of schema.matchAll(/^model\s+(\w+)\s*\{([^}]*)\}/gm)) {
    const fields = (body as string).split('\n').map((line) => /^\s*(\w+)\s/.exec(line)?.[1]);
    models.set(
      name as string,
      fields.filter((field): field is string => field !== undefined),
    );
  }
  return models;
}

describe('SEALED_TABLES', () => {
  const models = schemaModels();

  it('names every model with a ciphertext column', () => {
    expect(models.size).toBeGreaterThan(10);
    const sealed = [...models].filter(([, fields]) => fields.includes('ciphertext')).map(([name]) => name);
    expect(sealed.length).toBeGreaterThan(0);
    expect(SEALED_TABLES.map((table) => table.model).sort()).toEqual(sealed.sort());
  });

  it('lists models that carry every column KeyRing.seal writes', () => {
    for (const table of SEALED_TABLES) {
      expect(models.get(table.model), table.model).toEqual(expect.arrayContaining(['id', 'ciphertext', 'iv', 'authTag', 'keyVersion']));
    }
  });
});
