/** A key the platform owns, named by its environment variable (the name is safe to show). */
export interface PlatformKey {
  provider: string;
  name: string;
  secret: string;
}

/**
 * The platform's keys from the environment: the hosted pool `<P>_API_KEY_1..N` (read upward
 * until the first gap, or exactly N with `<P>_API_KEY_COUNT`) and the legacy `<P>_API_KEY`.
 */
export class PlatformKeys {
  private readonly pools = new Map<string, PlatformKey[]>();
  private readonly legacyKeys = new Map<string, PlatformKey>();

  constructor(providers: readonly { id: string; envPrefix: string }[], env: Readonly<Record<string, string | undefined>>) {
    for (const { id, envPrefix } of providers) {
      const count = Number.parseInt(env[`${envPrefix}_API_KEY_COUNT`] ?? '', 10);
      const pool: PlatformKey[] = [];
      for (let n = 1; Number.isFinite(count) ? n <= count : true; n += 1) {
        const name = `${envPrefix}_API_KEY_${n}`;
        const secret = env[name]?.trim();
        if (!secret) {
          if (Number.isFinite(count)) continue;
          break;
        }
        pool.push({ provider: id, name, secret });
      }
      this.pools.set(id, pool);
      const legacy = env[`${envPrefix}_API_KEY`]?.trim();
      if (legacy) this.legacyKeys.set(id, { provider: id, name: `${envPrefix}_API_KEY`, secret: legacy });
    }
  }

  pool(provider: string): readonly PlatformKey[] {
    return this.pools.get(provider) ?? [];
  }

  legacy(provider: string): PlatformKey | null {
    return this.legacyKeys.get(provider) ?? null;
  }

  allLegacyKeys(): PlatformKey[] {
    return [...this.legacyKeys.values()];
  }
}
