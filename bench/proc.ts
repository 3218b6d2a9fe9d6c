// CPU time and memory of another process, read from Linux's /proc.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

export function memoryBytes(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rss: parseStatusBytes(status, 'VmRSS'), peak: parseStatusBytes(status, 'VmHWM') };
}
