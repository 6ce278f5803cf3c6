const WINDOW = 20;
const MAX_AGE_MS = 60_000;
const MIN_SAMPLES = 5;
const MIN_UPTIME = 0.5;

/**
 * Recent success ratio per provider, so routing can step around an upstream that is failing
 * even where no key is cooling down. Soft state: per process, and outcomes older than a
 * minute no longer count, so a provider that failed and was then avoided is trusted again.
 */
export class ProviderHealth {
  private readonly outcomes = new Map<string, { ok: boolean; at: number }[]>();

  constructor(private readonly now: () => number = Date.now) {}

  record(provider: string, ok: boolean): void {
    const list = this.recent(provider);
    list.push({ ok, at: this.now() });
    if (list.length > WINDOW) list.shift();
    this.outcomes.set(provider, list);
  }

  uptime(provider: string): number | null {
    const list = this.recent(provider);
    if (list.length < MIN_SAMPLES) return null;
    return list.filter((outcome) => outcome.ok).length / list.length;
  }

  isHealthy(provider: string): boolean {
    const uptime = this.uptime(provider);
    return uptime === null || uptime >= MIN_UPTIME;
  }

  private recent(provider: string): { ok: boolean; at: number }[] {
    const cutoff = this.now() - MAX_AGE_MS;
    const list = (this.outcomes.get(provider) ?? []).filter((outcome) => outcome.at >= cutoff);
    // A provider with nothing recent is forgotten: custom providers' slugs are tenants' to make.
    if (list.length > 0) this.outcomes.set(provider, list);
    else this.outcomes.delete(provider);
    return list;
  }
}
