import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/** The id's length in bytes comes first: an id may hold any character. */
const HEADER = 4;

/**
 * One small file per prefork child holding the id of the task it started last, written in place
 * (one pwrite per task, far cheaper than a message to the parent). When the child dies, its
 * supervisor reads it to tell the task it was running from those it held in reserve.
 */
export class Scoreboard {
  private readonly fd: number;
  /** Reused: a fresh buffer per task cost as much as the write itself. */
  private slot = Buffer.alloc(128);

  constructor(path: string) {
    // A new file only ('wx'): one found in its place was not made by this pool.
    this.fd = openSync(path, 'wx', 0o600);
  }

  started(taskId: string): void {
    let length = this.slot.write(taskId, HEADER, 'utf8');
    if (HEADER + length >= this.slot.length) {
      this.slot = Buffer.alloc(HEADER + Buffer.byteLength(taskId) + 1);
      length = this.slot.write(taskId, HEADER, 'utf8');
    }
    this.slot.writeUInt32LE(length, 0);
    // Whatever a longer id left after this one is never read.
    writeSync(this.fd, this.slot, 0, HEADER + length, 0);
  }

  close(): void {
    closeSync(this.fd);
  }

  /** The task the child started last, if any; the file is removed. */
  static readAndRemove(path: string): string | undefined {
    try {
      const data = readFileSync(path);
      if (data.length < HEADER) return undefined;
      const length = data.readUInt32LE(0);
      if (length === 0 || HEADER + length > data.length) return undefined;
      return data.toString('utf8', HEADER, HEADER + length);
    } catch {
      return undefined;
    } finally {
      rmSync(path, { force: true });
    }
  }
}
