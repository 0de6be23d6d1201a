import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

const SLOT = 128;

/**
 * One small file per prefork child holding the id of the task it started last, written in place
 * (one pwrite per task, far cheaper than a message to the parent). When the child dies, its
 * supervisor reads it to tell the task it was running from those it held in reserve.
 */
export class Scoreboard {
  private readonly fd: number;

  constructor(path: string) {
    this.fd = openSync(path, 'w', 0o600);
  }

  started(taskId: string): void {
    const slot = Buffer.alloc(SLOT, 0x20);
    slot.write(taskId.slice(0, SLOT), 'utf8');
    writeSync(this.fd, slot, 0, SLOT, 0);
  }

  close(): void {
    closeSync(this.fd);
  }

  /** The task the child started last, if any; the file is removed. */
  static readAndRemove(path: string): string | undefined {
    try {
      return readFileSync(path, 'utf8').trim() || undefined;
    } catch {
      return undefined;
    } finally {
      rmSync(path, { force: true });
    }
  }
}
