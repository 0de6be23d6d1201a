import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

const END = 0x0a;

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
    this.fd = openSync(path, 'w', 0o600);
  }

  started(taskId: string): void {
    let length = this.slot.write(taskId, 'utf8');
    if (length >= this.slot.length - 1) {
      this.slot = Buffer.alloc(Buffer.byteLength(taskId) + 1);
      length = this.slot.write(taskId, 'utf8');
    }
    this.slot[length] = END;
    // The id ends at the newline: whatever a longer id left after it is never read.
    writeSync(this.fd, this.slot, 0, length + 1, 0);
  }

  close(): void {
    closeSync(this.fd);
  }

  /** The task the child started last, if any; the file is removed. */
  static readAndRemove(path: string): string | undefined {
    try {
      const text = readFileSync(path, 'utf8');
      const end = text.indexOf('\n');
      return end > 0 ? text.slice(0, end) : undefined;
    } catch {
      return undefined;
    } finally {
      rmSync(path, { force: true });
    }
  }
}
