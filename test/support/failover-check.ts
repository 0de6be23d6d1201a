import type { ApiLoad } from './api-load';
import { duplicateCount, runsInLogs } from './api-load';
import type { BrainProcess } from './brain-process';
import { waitFor } from './wait';

/** The API never makes a caller wait longer than this, failover or not (issue 14). */
export const MAX_CALL_MS = 2000;
/** Every worker consumes again within this of the promotion (issue 14). */
export const RESUME_MS = 15_000;

/**
 * A failover test's workers and load, watched from the kill on: each worker's log from then, so
 * that a run after the promotion proves it did not stall.
 */
export class FailoverWatch {
  private readonly offsets: number[];

  constructor(
    private readonly workers: BrainProcess[],
    private readonly load: ApiLoad,
    private readonly taskName: string,
  ) {
    this.offsets = workers.map((w) => w.log.length);
  }

  /** Runs per task id in every worker's whole log. */
  runs(): Map<string, number> {
    return runsInLogs(
      this.workers.map((w) => w.log),
      this.taskName,
    );
  }

  /** When each worker first ran a task after the watch began (none stalled silently). */
  workersResumed(): Promise<number[]> {
    return Promise.all(
      this.workers.map((w, i) =>
        waitFor(
          async () =>
            runsInLogs([w.log.slice(this.offsets[i])], this.taskName).size > 0
              ? Date.now()
              : undefined,
          `worker ${i + 1} to consume again after the promotion`,
          RESUME_MS,
        ),
      ),
    );
  }

  /**
   * Once the load has stopped: waits for every task acknowledged after the promotion to run,
   * prints the figures, and checks what a caller may see: every refusal a 503, no call slower
   * than MAX_CALL_MS, the API serving again soon after the promotion, and a task that never ran
   * acknowledged before the kill, or `lossUntil` (asynchronous replication may lose those:
   * counted, not asserted).
   */
  async verdict(
    label: string,
    t: {
      killedAt: number;
      promotedAt: number;
      resumedAt: number[];
      /** What began the failover, as printed ("the kill" by default). */
      began?: string;
      /**
       * Until when an acknowledged task may be lost (the kill by default): a switchover's old
       * master takes writes until the clients have followed the new one.
       */
      lossUntil?: number;
    },
  ) {
    const began = t.began ?? 'the kill';
    const lossUntil = t.lossUntil ?? t.killedAt;
    const { load } = this;
    const failed = load.refused();
    const slowest = load.slowest();
    const sent = load.acknowledged().map((c) => c.taskId!);
    // Every task acknowledged from here on runs: after the promotion, and after the loss window.
    const afterPromotion = load.acknowledged(Math.max(t.promotedAt, lossUntil));
    await waitFor(
      async () => {
        const runs = this.runs();
        return afterPromotion.every((c) => runs.has(c.taskId!)) ? true : undefined;
      },
      'every task acknowledged after the promotion to run',
      30_000,
    );
    const runs = this.runs();
    const notRun = sent.filter((id) => !runs.has(id));
    console.log(
      [
        `${label}: promoted ${t.promotedAt - t.killedAt} ms after ${began};`,
        `workers consumed again ${t.resumedAt.map((at) => at - t.promotedAt).join(' ms, ')} ms after it;`,
        `${sent.length} tasks acknowledged (${afterPromotion.length} after the promotion),`,
        `${failed.length} calls refused (${[...new Set(failed.map((c) => c.status))].join(', ')}),`,
        `slowest call ${slowest} ms; not run: ${notRun.length} (all acknowledged before ${t.lossUntil ? 'the clients followed' : began});`,
        `duplicates: ${duplicateCount(runs)}`,
      ].join(' '),
    );

    expect(failed.every((c) => c.status === 503)).toBe(true);
    expect(slowest).toBeLessThanOrEqual(MAX_CALL_MS);
    if (failed.length) {
      const lastRefusal = Math.max(...failed.map((c) => c.at + c.ms));
      expect(lastRefusal - t.promotedAt).toBeLessThan(RESUME_MS);
    }
    expect(notRun.every((id) => load.calls.find((c) => c.taskId === id)!.at < lossUntil)).toBe(
      true,
    );
    return { failed, notRun };
  }
}
