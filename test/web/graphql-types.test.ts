import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILE, generateGraphQLTypes } from '../../tools/graphql-types/generate-graphql-types.js';

describe('generated GraphQL operation types', () => {
  it('match the server schema and the web operations (run `npm run graphql:types` when this fails)', async () => {
    const fresh = await generateGraphQLTypes();
    const committed = readFileSync(GENERATED_FILE, 'utf8');
    expect(committed === fresh, 'web/src/graphql/generated.ts is stale: run `npm run graphql:types`').toBe(true);
  });
});
