import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIOME = join(ROOT, 'node_modules', '.bin', 'biome');

/**
 * Lints a probe file written into `dir` (inside the repo, so biome.json's overrides apply) and
 * returns Biome's verdict. The probe is removed afterwards, whatever happens.
 */
function lintProbe(dir: string, source: string): { ok: boolean; output: string } {
  const file = join(ROOT, dir, `boundary-probe-${randomBytes(4).toString('hex')}.ts`);
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, source);
    const result = spawnSync(BIOME, ['lint', '--max-diagnostics=20', file], { cwd: ROOT, encoding: 'utf8' });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(file, { force: true });
  }
}

const cases: { rule: string; dir: string; bad: string; good: string }[] = [
  { rule: 'providers import only shared', dir: 'server/providers/anthropic', bad: '../../gateway/pipeline.js', good: '../adapter.js' },
  { rule: 'providers import only shared', dir: 'server/providers', bad: '../domain/errors.js', good: '../../shared/domain.js' },
  { rule: 'stages never import sibling stages', dir: 'server/gateway/stages', bad: './settle.stage.js', good: '../request-run.js' },
  { rule: 'domain imports no gateway', dir: 'server/domain/usage', bad: '../../gateway/pipeline.js', good: '../errors.js' },
  { rule: 'domain imports no HTTP', dir: 'server/domain', bad: 'fastify', good: 'node:crypto' },
  {
    rule: 'web features never import each other',
    dir: 'web/src/features/usage/api',
    bad: '../../auth/api/x.js',
    good: '../../../components/x.js',
  },
  { rule: 'shared imports nothing from server', dir: 'shared', bad: '../server/config.js', good: './domain.js' },
  { rule: 'nothing imports test/', dir: 'server/http', bad: '../../test/support/x.js', good: '../config.js' },
  { rule: 'tools import no test/', dir: 'tools/simulator', bad: '../../test/support/x.js', good: './fixture-store.js' },
  { rule: 'bench imports no test/', dir: 'bench', bad: '../test/support/x.js', good: '../tools/simulator/upstream-simulator.js' },
];

describe('import boundaries (DESIGN rule 12) are enforced by biome.json', () => {
  for (const c of cases) {
    it(`${c.rule}: ${c.dir} may not import ${c.bad}`, () => {
      const bad = lintProbe(c.dir, `import { x } from '${c.bad}';\nexport const y = x;\n`);
      expect(bad.ok).toBe(false);
      expect(bad.output).toContain('noRestrictedImports');
      const good = lintProbe(c.dir, `import { x } from '${c.good}';\nexport const y = x;\n`);
      expect(good.output).not.toContain('noRestrictedImports');
    });
  }
});
