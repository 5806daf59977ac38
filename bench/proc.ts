/**
 * Linux /proc readings that explain a figure: CPU time of a process's main thread against its other
 * threads, and how busy the whole machine was. On other systems they are simply left out.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const TICK_MICROS = 10_000; // USER_HZ is 100 on Linux

/**
 * CPU microseconds of `pid`'s main thread and of all its other threads together (Node 20 names
 * every thread "node", so libuv's pool and V8's helpers cannot be told apart here).
 */
export function threadCpu(pid: number): Map<string, number> | undefined {
  const dir = `/proc/${pid}/task`;
  if (!existsSync(dir)) return undefined;
  const totals = new Map<string, number>();
  for (const tid of readdirSync(dir)) {
    let stat: string;
    try {
      stat = readFileSync(`${dir}/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const micros = (Number(fields[11]) + Number(fields[12])) * TICK_MICROS;
    const kind = tid === String(pid) ? 'main' : 'other threads';
    totals.set(kind, (totals.get(kind) ?? 0) + micros);
  }
  return totals;
}

/** Busy and total CPU microseconds of the whole machine so far (all cores). */
export function machineCpu(): { busy: number; total: number } | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy: busy * TICK_MICROS, total: (busy + idle! + iowait!) * TICK_MICROS };
}
