/**
 * The longest stretches a V8 CPU profile shows the main thread busy without an idle sample
 * (within a time window), each with the frames present in most of its samples: where a request
 * waits behind other work. At a steady rate the loop should go idle every millisecond or so.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Text for the `top` longest busy stretches inside `windowUs` (profile clock, µs). */
export function busyStretches(path: string, windowUs: [number, number], top = 3): string {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const frames = (id: number | undefined) => {
    const names = new Set<string>();
    for (; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)!.callFrame;
      if (f.url)
        names.add(`${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|dist\/\.bench)\//, '')}:${f.lineNumber}`);
    }
    return names;
  };
  const stretches: { ms: number; samples: number[] }[] = [];
  let current: { start: number; end: number; samples: number[] } | null = null;
  let time = profile.startTime;
  profile.samples.forEach((sample, i) => {
    time += profile.timeDeltas[i] ?? 0;
    if (time < windowUs[0] || time > windowUs[1]) return;
    if (byId.get(sample)?.callFrame.functionName !== '(idle)') {
      current ??= { start: time, end: time, samples: [] };
      current.end = time;
      current.samples.push(sample);
    } else if (current) {
      stretches.push({ ms: (current.end - current.start) / 1000, samples: current.samples });
      current = null;
    }
  });
  const lines: string[] = [];
  for (const stretch of stretches.sort((a, b) => b.ms - a.ms).slice(0, top)) {
    const counts = new Map<string, number>();
    for (const sample of stretch.samples) for (const f of frames(sample)) counts.set(f, (counts.get(f) ?? 0) + 1);
    lines.push(`  busy ${stretch.ms.toFixed(1)} ms without an idle sample; frames in most of it:`);
    for (const [f, c] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 6)) {
      lines.push(`    ${((100 * c) / stretch.samples.length).toFixed(0).padStart(3)}%  ${f}`);
    }
  }
  return lines.join('\n');
}
