/**
 * Where keyplane's CPU time goes: self time per function and per module group from a V8
 * .cpuprofile (`node --cpu-prof`), optionally only the samples inside a time window
 * (CLOCK_MONOTONIC µs, which is what both V8 profiles and process.hrtime use on Linux).
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [top]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  sampledMs: number;
  busyMs: number;
  functions: { name: string; where: string; selfMs: number; percent: number }[];
  groups: { group: string; selfMs: number; percent: number }[];
}

/** Which part of the system a script belongs to: a package, node's internals, or a folder of ours. */
function groupOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const ours = /\/(?:dist\/\.bench\/|dist\/)?(server|shared)\/(.*)$/.exec(url);
  if (ours) {
    const parts = ours[2]!.split('/');
    return `keyplane ${ours[1]}/${parts.length > 1 ? parts.slice(0, Math.min(2, parts.length - 1)).join('/') : parts[0]}`;
  }
  return url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-2)
    .join('/');
}

/** Self time (µs) per profile node over the samples inside the windows (all samples without any). */
function selfTimes(profile: CpuProfile, windowsUs?: [number, number][]): { self: Map<number, number>; sampled: number } {
  const self = new Map<number, number>();
  let time = profile.startTime;
  let sampled = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    time += delta;
    if (windowsUs && !windowsUs.some(([from, to]) => time >= from && time <= to)) continue;
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + delta);
    sampled += delta;
  }
  return { self, sampled };
}

export function summarizeProfile(path: string, options: { top?: number; windowsUs?: [number, number][] } = {}): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const { self, sampled } = selfTimes(profile, options.windowsUs);
  if (sampled === 0 && options.windowsUs) return summarizeProfile(path, { ...(options.top ? { top: options.top } : {}) });
  const functions = new Map<string, { name: string; where: string; self: number }>();
  const groups = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    const name = frame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    const where = frame.url ? `${frame.url.replace(/^file:\/\/.*?\/(node_modules|dist\/\.bench)\//, '$1/')}:${frame.lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    const entry = functions.get(key) ?? { name, where, self: 0 };
    entry.self += us;
    functions.set(key, entry);
    const group = groupOf(frame.url, name);
    groups.set(group, (groups.get(group) ?? 0) + us);
  }
  const busy = sampled - idle;
  const top = options.top ?? 25;
  return {
    sampledMs: sampled / 1000,
    busyMs: busy / 1000,
    functions: [...functions.values()]
      .sort((a, b) => b.self - a.self)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfMs: f.self / 1000, percent: (100 * f.self) / busy })),
    groups: [...groups.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([group, us]) => ({ group, selfMs: us / 1000, percent: (100 * us) / busy })),
  };
}

/**
 * The request thread's busy time per request (µs) over a window, by part: each of keyplane's
 * folders, each package, node's internals as one, and native frames by name (`writev` there
 * also holds time the thread was preempted in it; the scheduler's counters say how much).
 */
export function perRequestBudget(path: string, windowUs: [number, number], requests: number): Map<string, number> {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const budget = new Map<string, number>();
  for (const [id, us] of selfTimes(profile, [windowUs]).self) {
    const { url, functionName } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    const group = !url ? functionName || '(native)' : url.startsWith('node:') ? 'node internals' : groupOf(url, functionName);
    budget.set(group, (budget.get(group) ?? 0) + us / requests);
  }
  return budget;
}

/** Two budgets side by side, largest first for `a`, the rest of both on one line. */
export function formatBudgets(
  a: { label: string; budget: Map<string, number> },
  b: { label: string; budget: Map<string, number> },
  rows = 30,
): string {
  const total = (budget: Map<string, number>) => [...budget.values()].reduce((sum, us) => sum + us, 0);
  const names = [...new Set([...a.budget.keys(), ...b.budget.keys()])].sort(
    (x, y) => Math.max(a.budget.get(y) ?? 0, b.budget.get(y) ?? 0) - Math.max(a.budget.get(x) ?? 0, b.budget.get(x) ?? 0),
  );
  const f = (us: number | undefined) => (us === undefined ? '—' : us.toFixed(1)).padStart(8);
  const lines = [`${'µs per request, request thread'.padEnd(44)}${a.label.padStart(10)}${b.label.padStart(10)}`];
  lines.push(`${'busy (profile samples)'.padEnd(44)}  ${f(total(a.budget))}  ${f(total(b.budget))}`);
  for (const name of names.slice(0, rows))
    lines.push(`  ${name.slice(0, 42).padEnd(42)}  ${f(a.budget.get(name))}  ${f(b.budget.get(name))}`);
  const rest = (budget: Map<string, number>) => names.slice(rows).reduce((sum, name) => sum + (budget.get(name) ?? 0), 0);
  lines.push(`  ${'everything else'.padEnd(42)}  ${f(rest(a.budget))}  ${f(rest(b.budget))}`);
  return lines.join('\n');
}

export function formatProfile(summary: ProfileSummary): string {
  const lines = [`CPU profile: ${summary.busyMs.toFixed(0)} ms busy of ${summary.sampledMs.toFixed(0)} ms sampled (self time, % of busy)`];
  lines.push('  by module group:');
  for (const g of summary.groups.slice(0, 18)) lines.push(`    ${g.percent.toFixed(1).padStart(5)}%  ${g.group}`);
  lines.push('  top functions:');
  for (const f of summary.functions) lines.push(`    ${f.percent.toFixed(1).padStart(5)}%  ${f.name}  ${f.where}`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(formatProfile(summarizeProfile(file, { top: Number(process.argv[3] ?? 30) })));
}

/**
 * The main thread's profile among a process's: worker threads (the embedded database's) and tsx's
 * loader thread write their own. Node names each `CPU.<date>.<time>.<pid>.<thread id>.<n>.cpuprofile`,
 * and the main thread's id is 0; the embedded database's worker can write the largest.
 */
export function mainThreadProfile(dir: string): string | undefined {
  const profiles = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  return (
    profiles.find((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f)) ??
    profiles.sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)[0]
  );
}
