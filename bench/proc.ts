// CPU time and memory of another process, read from Linux's /proc.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticks: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`, 100 if unknown). */
export function clockTicks(): number {
  if (ticks === undefined) {
    try {
      const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      ticks = Number.isInteger(n) && n > 0 ? n : 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/**
 * utime + stime of a process in microseconds, from the text of /proc/<pid>/stat. Fields are
 * counted after the command name, which is in parentheses and may itself contain spaces.
 */
export function parseCpuMicros(stat: string, ticksPerSecond: number): number {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(rest[14 - 3]);
  const stime = Number(rest[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('unreadable /proc stat line');
  return ((utime + stime) * 1e6) / ticksPerSecond;
}

/** A `Vm...:   1234 kB` field of /proc/<pid>/status, in bytes. */
export function parseStatusBytes(status: string, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!m) throw new Error(`no ${field} in /proc status`);
  return Number(m[1]) * 1024;
}

/**
 * CPU time every core of the machine spent busy (not idle, not waiting for I/O), µs, from the
 * first line of /proc/stat: user nice system idle iowait irq softirq steal ...
 */
export function parseMachineBusyMicros(procStat: string, ticksPerSecond: number): number {
  const f = procStat.slice(0, procStat.indexOf('\n')).trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return ((user + nice + system + irq + softirq + (steal ?? 0)) * 1e6) / ticksPerSecond;
}

export function machineBusyMicros(): number {
  return parseMachineBusyMicros(readFileSync('/proc/stat', 'utf8'), clockTicks());
}

export function cpuMicros(pid: number): number {
  return parseCpuMicros(readFileSync(`/proc/${pid}/stat`, 'utf8'), clockTicks());
}

/**
 * A process's CPU time, µs, and the part of it spent in the kernel (stime: system calls such as
 * socket writes, and the loopback delivery they run). The split tells a server's own work from
 * the kernel's work of carrying its bytes.
 */
export function cpuSplitMicros(pid: number): { total: number; kernel: number } {
  const s = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const perTick = 1e6 / clockTicks();
  return { total: (s.utime + s.stime) * perTick, kernel: s.stime * perTick };
}

export function memoryBytes(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rss: parseStatusBytes(status, 'VmRSS'), peak: parseStatusBytes(status, 'VmHWM') };
}

/** The fields of /proc/<pid>/stat that a process tree's CPU time needs (times in clock ticks). */
export interface ProcStat {
  ppid: number;
  utime: number;
  stime: number;
  /** CPU time of children that exited and were waited for (reaped) by this process. */
  cutime: number;
  cstime: number;
}

/** ppid (field 4), utime, stime, cutime and cstime (fields 14 to 17) of a /proc/<pid>/stat line. */
export function parseProcStat(stat: string): ProcStat {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const field = (n: number): number => Number(rest[n - 3]);
  const s = { ppid: field(4), utime: field(14), stime: field(15), cutime: field(16), cstime: field(17) };
  if (!Object.values(s).every(Number.isFinite)) throw new Error('unreadable /proc stat line');
  return s;
}

/**
 * CPU time of a process and all its descendants, µs, from the stat of every process on the
 * machine: the root's own and reaped children's time (utime + stime + cutime + cstime) plus that
 * of each living descendant. A child that exits between two samples moves from the second term to
 * its parent's cutime/cstime once reaped, so the difference of two samples keeps counting it.
 * (A PostgreSQL server is a postmaster and the backends and background workers it forks.)
 */
export function treeCpuTicks(root: number, stats: ReadonlyMap<number, ProcStat>): { ticks: number; systemTicks: number; processes: number } {
  const own = stats.get(root);
  if (!own) return { ticks: 0, systemTicks: 0, processes: 0 };
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) {
    if (pid === root) continue;
    const list = children.get(s.ppid);
    if (list) list.push(pid);
    else children.set(s.ppid, [pid]);
  }
  let ticks = 0;
  let systemTicks = 0;
  let processes = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    const s = stats.get(pid)!;
    ticks += s.utime + s.stime + s.cutime + s.cstime;
    systemTicks += s.stime + s.cstime;
    processes++;
    for (const c of children.get(pid) ?? []) stack.push(c);
  }
  return { ticks, systemTicks, processes };
}

/** Every process's stat now (processes that vanish while being read are left out). */
export function allProcStats(): Map<number, ProcStat> {
  const out = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      out.set(Number(name), parseProcStat(readFileSync(`/proc/${name}/stat`, 'utf8')));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU time of a process and its descendants, µs (see treeCpuTicks). */
export function treeCpuMicros(root: number, stats: ReadonlyMap<number, ProcStat> = allProcStats()): { micros: number; processes: number } {
  const t = treeCpuTicks(root, stats);
  return { micros: (t.ticks * 1e6) / clockTicks(), processes: t.processes };
}
