import { statfs } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { freemem, totalmem } from 'node:os';

const GB = 1024 ** 3;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export interface DiskUsage {
  free_gb: number;
  total_gb: number;
  percent_free: number;
}

export interface MemoryUsage {
  used_gb: number;
  total_gb: number;
  percent_used: number;
}

/** Free space of the filesystem holding `path`, as an unprivileged process may use it. */
export async function diskUsage(path: string): Promise<DiskUsage> {
  const s = await statfs(path);
  const total = s.blocks * s.bsize;
  const free = s.bavail * s.bsize;
  return {
    free_gb: round(free / GB),
    total_gb: round(total / GB),
    percent_free: round((free / total) * 100),
  };
}

/**
 * Memory in use. On Linux, MemAvailable counts reclaimable cache as free, which os.freemem() does
 * not; elsewhere fall back to it.
 */
export async function memoryUsage(): Promise<MemoryUsage> {
  const total = totalmem();
  let available = freemem();
  try {
    const meminfo = await readFile('/proc/meminfo', 'utf8');
    const kb = /^MemAvailable:\s+(\d+) kB/m.exec(meminfo)?.[1];
    if (kb) available = Number(kb) * 1024;
  } catch {
    // not Linux: keep freemem()
  }
  const used = total - available;
  return {
    used_gb: round(used / GB),
    total_gb: round(total / GB),
    percent_used: round((used / total) * 100),
  };
}
