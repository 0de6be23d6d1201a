/** Longest a read is reused when no scrape says it has begun (a direct register.metrics()). */
const MAX_REUSE_MS = 1000;

/**
 * A read shared by every metric of one scrape: prom-client asks each metric for its values, and
 * they must not each go to Redis. `begin()` (at the start of a scrape) makes the next call read
 * again.
 */
export class PerScrape<T> {
  private last?: { at: number; value: Promise<T> };

  constructor(private readonly read: () => Promise<T>) {}

  begin(): void {
    this.last = undefined;
  }

  get(): Promise<T> {
    const now = Date.now();
    if (!this.last || now - this.last.at >= MAX_REUSE_MS) {
      this.last = { at: now, value: this.read() };
    }
    return this.last.value;
  }
}
