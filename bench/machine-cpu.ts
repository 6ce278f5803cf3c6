/**
 * CPU time of every process on the machine, by role, between two readings of /proc. On the
 * bench's two shared cores a flat-out run is bounded by the machine, not by one process: the
 * gateway, the database writing its records, the simulator and the load generator take turns on
 * the same cores, so a server's throughput follows the CPU the whole machine spends per request.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { machineTicks } from './processes.js';

/** Which process is which: pids of the processes the bench started, by role. */
export type Roles = Record<string, number | undefined>;

interface Reading {
  /** Each process's role and CPU ms (utime + stime, clock ticks of 10 ms), by pid. */
  processes: Map<number, { role: string; ms: number }>;
  /** The machine's busy, idle and stolen ms over all CPUs (/proc/stat). */
  busy: number;
  idle: number;
  steal: number;
}

const TICK_MS = 10;

/** The rows after the processes': the whole machine's busy and idle time, and what the host took. */
export const MACHINE_BUSY = 'machine busy (all CPUs, interrupts included)';
export const MACHINE_IDLE = 'machine idle';
/** Part of busy: the host ran another machine while this one was ready (a noisy neighbour). */
export const MACHINE_STOLEN = 'stolen by the host (part of busy)';

function roleOf(pid: number, comm: string, roles: Roles): string {
  for (const [role, rolePid] of Object.entries(roles)) if (rolePid === pid) return role;
  if (comm.startsWith('postgres')) return 'PostgreSQL';
  if (comm.startsWith('redis')) return 'Redis';
  return 'everything else';
}

/**
 * A process's name and the CPU time it has used in user and kernel mode, from /proc/<pid>/stat;
 * null once it is gone. The name is read up to the last `)`, as it may hold spaces and brackets.
 */
export function processCpu(pid: number): { comm: string; userMs: number; systemMs: number } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    userMs: Number(fields[11]) * TICK_MS,
    systemMs: Number(fields[12]) * TICK_MS,
  };
}

/** A reading of every process's CPU time and role. */
export function readMachineCpu(roles: Roles): Reading {
  const processes = new Map<number, { role: string; ms: number }>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const cpu = processCpu(pid);
    if (cpu) processes.set(pid, { role: roleOf(pid, cpu.comm, roles), ms: cpu.userMs + cpu.systemMs });
  }
  const ticks = machineTicks();
  return { processes, busy: ticks.busy * TICK_MS, idle: (ticks.total - ticks.busy) * TICK_MS, steal: ticks.steal * TICK_MS };
}

/**
 * µs of CPU per request by role between two readings. A process started since the first reading
 * counts whole; one that exited before the second is not counted (its last share is unknown).
 */
export function machineCpuPerRequest(before: Reading, after: Reading, requests: number): { role: string; us: number }[] {
  const perRequest = (ms: number) => (1000 * ms) / Math.max(1, requests);
  const byRole = new Map<string, number>();
  for (const [pid, { role, ms }] of after.processes) byRole.set(role, (byRole.get(role) ?? 0) + ms - (before.processes.get(pid)?.ms ?? 0));
  const rows = [...byRole].map(([role, ms]) => ({ role, us: perRequest(ms) }));
  rows.push({ role: MACHINE_BUSY, us: perRequest(after.busy - before.busy) });
  rows.push({ role: MACHINE_IDLE, us: perRequest(after.idle - before.idle) });
  rows.push({ role: MACHINE_STOLEN, us: perRequest(after.steal - before.steal) });
  return rows;
}

/** Two runs' per-request CPU by role, side by side. */
export function formatMachineCpu(
  left: { label: string; rows: { role: string; us: number }[] },
  right: { label: string; rows: { role: string; us: number }[] },
): string {
  const roles = [...new Set([...left.rows, ...right.rows].map((row) => row.role))];
  const value = (rows: { role: string; us: number }[], role: string) => {
    const row = rows.find((r) => r.role === role);
    return row ? row.us.toFixed(1) : '—';
  };
  const lines = [`${'µs of CPU per request, whole machine'.padEnd(48)}${left.label.padStart(10)}${right.label.padStart(10)}`];
  for (const role of roles) lines.push(`  ${role.padEnd(46)}${value(left.rows, role).padStart(10)}${value(right.rows, role).padStart(10)}`);
  return lines.join('\n');
}
