import { readFile, statfs } from 'node:fs/promises';
import { freemem, totalmem } from 'node:os';

const GB = 1024 ** 3;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export interface DiskBytes {
  /** What an unprivileged process may still write. */
  availableBytes: number;
  sizeBytes: number;
}

export interface MemoryBytes {
  availableBytes: number;
  totalBytes: number;
}

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

/** Size and free space of the filesystem holding `path`. */
export async function diskBytes(path: string): Promise<DiskBytes> {
  const s = await statfs(path);
  return { availableBytes: s.bavail * s.bsize, sizeBytes: s.blocks * s.bsize };
}

/**
 * Memory of the host. On Linux, MemAvailable counts reclaimable cache as free, which os.freemem()
 * does not; elsewhere fall back to it.
 */
export async function memoryBytes(): Promise<MemoryBytes> {
  const totalBytes = totalmem();
  let availableBytes = freemem();
  try {
    const meminfo = await readFile('/proc/meminfo', 'utf8');
    const kb = /^MemAvailable:\s+(\d+) kB/m.exec(meminfo)?.[1];
    if (kb) availableBytes = Number(kb) * 1024;
  } catch {
    // not Linux: keep freemem()
  }
  return { availableBytes, totalBytes };
}

/** Free space of the filesystem holding `path`, as an unprivileged process may use it. */
export async function diskUsage(path: string): Promise<DiskUsage> {
  const { availableBytes: free, sizeBytes: total } = await diskBytes(path);
  return {
    free_gb: round(free / GB),
    total_gb: round(total / GB),
    percent_free: round((free / total) * 100),
  };
}

/** Memory in use, in GB and percent. */
export async function memoryUsage(): Promise<MemoryUsage> {
  const { availableBytes: available, totalBytes: total } = await memoryBytes();
  const used = total - available;
  return {
    used_gb: round(used / GB),
    total_gb: round(total / GB),
    percent_used: round((used / total) * 100),
  };
}
