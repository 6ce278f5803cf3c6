import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../observability/logger.js';
import type { BillingStore } from './billing-store.js';
import type { IntentStore } from './intent-journal.js';
import type { UsageIntent } from './usage-intent.js';
import { intentParameters, journalIntentsJson } from './usage-intent-sql.js';

/** A journal file: intents appended to it, and how many of them have not settled yet. */
interface Segment {
  path: string;
  fd: number;
  bytes: number;
  pending: number;
}

export interface IntentFileOptions {
  /** Start a new file once the current one is this large; a full file goes once its last intent settles. */
  rotateBytes?: number;
}

const SUFFIX = '.jsonl';

/**
 * Write-ahead intents of the embedded database, as an append-only journal in the data dir
 * instead of statements on the database's one thread. The embedded database belongs to one
 * process (the data dir is locked), so only that process, restarted, recovers them.
 *
 * An intent is on record once `write()` returns: it is in the kernel's page cache, which
 * survives this process being killed (what the intent guards against) as PostgreSQL's
 * asynchronous commit does; like it, a crash of the machine within the kernel's writeback delay
 * can lose the last ones. Each batch is one line (the rows the intent insert reads), so a line
 * torn by a kill is skipped whole.
 *
 * The settlement writer says which requests it settled; a file none of whose intents are
 * outstanding is deleted. At start, files a previous process left are replayed into the
 * database (`BillingStore.adoptIntents`: what has a usage record is dropped), and the journal's
 * recovery pass turns the rest into records.
 */
export class IntentFile implements IntentStore {
  private current: Segment | null = null;
  private readonly outstanding = new Map<string, Segment>();
  private readonly full = new Set<Segment>();
  private leftover: string[];
  private readonly rotateBytes: number;
  /** Files this process has started. */
  private files = 0;

  constructor(
    private readonly dir: string,
    private readonly store: Pick<BillingStore, 'heartbeat' | 'recoverIntents' | 'retireInstance' | 'adoptIntents'>,
    private readonly logger: Logger,
    options: IntentFileOptions = {},
  ) {
    this.rotateBytes = options.rotateBytes ?? 16 * 1024 * 1024;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Every file here now is a previous process's: the data dir lock lets one process at a time in.
    this.leftover = readdirSync(dir)
      .filter((name) => name.endsWith(SUFFIX))
      .sort()
      .map((name) => join(dir, name));
  }

  async writeIntents(_instanceId: string, intents: readonly UsageIntent[]): Promise<void> {
    if (intents.length === 0) return;
    const segment = this.segment();
    const line = Buffer.from(`${intentParameters('', intents)[1]}\n`);
    writeSync(segment.fd, line);
    segment.bytes += line.length;
    segment.pending += intents.length;
    for (const intent of intents) this.outstanding.set(intent.requestId, segment);
  }

  /** These requests' usage records are committed: their intents are no longer needed. */
  settled(requestIds: readonly string[]): void {
    for (const requestId of requestIds) {
      const segment = this.outstanding.get(requestId);
      if (!segment) continue;
      this.outstanding.delete(requestId);
      segment.pending -= 1;
      if (segment.pending === 0 && this.full.has(segment)) this.remove(segment);
    }
  }

  heartbeat(instanceId: string): Promise<void> {
    return this.store.heartbeat(instanceId);
  }

  /** Replays what a previous process left (once), then recovers like any journal. */
  async recoverIntents(selfId: string, deadAfterMs: number, limit?: number): Promise<number> {
    if (this.leftover.length > 0) await this.replay();
    return this.store.recoverIntents(selfId, deadAfterMs, limit);
  }

  /** A clean stop: files with nothing outstanding go; the rest wait for the next start. */
  async retireInstance(instanceId: string): Promise<void> {
    await this.store.retireInstance(instanceId);
    for (const segment of [...this.full, ...(this.current ? [this.current] : [])]) {
      if (segment.pending === 0) this.remove(segment);
      else closeSync(segment.fd);
    }
    this.full.clear();
    this.current = null;
    this.outstanding.clear();
  }

  private async replay(): Promise<void> {
    const files = this.leftover;
    const rows: unknown[] = [];
    let torn = 0;
    for (const file of files) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (line === '') continue;
        try {
          rows.push(...(JSON.parse(line) as unknown[]));
        } catch {
          torn += 1;
        }
      }
    }
    if (torn > 0) this.logger.warn({ lines: torn }, 'Skipped journal lines cut short when the previous process was killed');
    // A name of its own: recovery takes these as a dead instance's intents.
    const adopted = rows.length > 0 ? await this.store.adoptIntents(`journal:${randomUUID()}`, journalIntentsJson(rows)) : 0;
    if (adopted > 0) this.logger.warn({ intents: adopted }, 'The previous process left requests it never settled; recording them');
    for (const file of files) unlinkSync(file);
    this.leftover = [];
  }

  private segment(): Segment {
    if (this.current && this.current.bytes >= this.rotateBytes) {
      const done = this.current;
      this.current = null;
      if (done.pending === 0) this.remove(done);
      else this.full.add(done);
    }
    if (!this.current) {
      // Names sort by creation: a replay reads them in order.
      this.files += 1;
      const name = `intents-${Date.now().toString().padStart(15, '0')}-${process.pid}-${this.files.toString().padStart(9, '0')}${SUFFIX}`;
      const path = join(this.dir, name);
      this.current = { path, fd: openSync(path, 'a', 0o600), bytes: 0, pending: 0 };
    }
    return this.current;
  }

  private remove(segment: Segment): void {
    this.full.delete(segment);
    closeSync(segment.fd);
    unlinkSync(segment.path);
  }
}
