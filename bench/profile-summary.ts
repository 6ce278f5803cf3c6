/**
 * Where keyplane's CPU time goes: self time per function and per module group from a V8
 * .cpuprofile (`node --cpu-prof`), optionally only the samples inside a time window
 * (CLOCK_MONOTONIC µs, which is what both V8 profiles and process.hrtime use on Linux).
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';

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

export function summarizeProfile(path: string, options: { top?: number; windowsUs?: [number, number][] } = {}): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  let time = profile.startTime;
  let sampled = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    time += delta;
    if (options.windowsUs && !options.windowsUs.some(([from, to]) => time >= from && time <= to)) continue;
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + delta);
    sampled += delta;
  }
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
