const WINDOW = 20;
const MIN_SAMPLES = 5;
const MIN_UPTIME = 0.5;

/**
 * Recent success ratio per provider, so routing can step around an upstream that is failing
 * even where no key is cooling down. Soft state: per process, lost on restart.
 */
export class ProviderHealth {
  private readonly outcomes = new Map<string, boolean[]>();

  record(provider: string, ok: boolean): void {
    const list = this.outcomes.get(provider) ?? [];
    list.push(ok);
    if (list.length > WINDOW) list.shift();
    this.outcomes.set(provider, list);
  }

  uptime(provider: string): number | null {
    const list = this.outcomes.get(provider);
    if (!list || list.length < MIN_SAMPLES) return null;
    return list.filter(Boolean).length / list.length;
  }

  isHealthy(provider: string): boolean {
    const uptime = this.uptime(provider);
    return uptime === null || uptime >= MIN_UPTIME;
  }
}
