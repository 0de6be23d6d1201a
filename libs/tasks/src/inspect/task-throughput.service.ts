import { Injectable } from '@nestjs/common';
import { addStacktraceRead, failedStacks } from '../bullmq/job-state-reads';
import { QUEUE_NAMES } from '../queues/queue-names';
import { QueueRegistry } from '../queues/queue-registry';
import { RedisConnection } from '../redis/redis-connection.service';
import { ResultStore } from '../results/result-store.service';
import { RevocationService } from '../revocation/revocation.service';

/** Tasks that ended within one interval, by outcome. */
export interface ThroughputPoint {
  /** Start of the interval (ISO-8601). */
  at: string;
  succeeded: number;
  failed: number;
  /** Revoked before they ran, terminated, expired, or skipped as overlapping periodic runs. */
  revoked: number;
}

export interface Throughput {
  bucket_seconds: number;
  /** Oldest first; the last interval is the current, unfinished one. */
  points: ThroughputPoint[];
}

/** Failed jobs read per queue to tell revoked from failed (the newest); older ones count as failed. */
const MAX_FAILED_READ = 2000;
/** Revocations read (the newest): a mass cancel must not make every snapshot read it all. */
const MAX_REVOKED_READ = 2000;
const REVOKED_HEADER = /^TaskRevokedError:/;

/**
 * Success and failure rates over time, from what the engine keeps anyway: BullMQ's completed and
 * failed sets (scored by end time, kept RESULT_EXPIRES) and the revocation log. Nothing is
 * counted in memory, so the history is the same after any process restarts.
 */
@Injectable()
export class TaskThroughput {
  constructor(
    private readonly redis: RedisConnection,
    private readonly queues: QueueRegistry,
    private readonly results: ResultStore,
    private readonly revocations: RevocationService,
  ) {}

  /** Tasks ended per interval of `bucketSeconds`, over the last `buckets` intervals. */
  async recent(buckets = 60, bucketSeconds = 60, now = Date.now()): Promise<Throughput> {
    const size = bucketSeconds * 1000;
    const since = Math.floor(now / size) * size - (buckets - 1) * size;
    const points: ThroughputPoint[] = Array.from({ length: buckets }, (_, i) => ({
      at: new Date(since + i * size).toISOString(),
      succeeded: 0,
      failed: 0,
      revoked: 0,
    }));
    const bucketOf = (ms: number) => Math.min(buckets - 1, Math.floor((ms - since) / size));
    const client = this.redis.client;

    // Per partition: a pipeline stays in one slot.
    for (const partition of await this.queues.everyPartition()) {
      const counts = client.pipeline();
      for (const name of QUEUE_NAMES) {
        const { completed, failed } = partition.keys(name);
        for (let i = 0; i < buckets; i++) {
          const [from, to] = [since + i * size, `(${since + (i + 1) * size}`];
          counts.zcount(completed, from, to).zcount(failed, from, to);
        }
      }
      const counted = (await counts.exec()) ?? [];
      counted.forEach(([, n], i) => {
        const point = points[Math.floor(i / 2) % buckets];
        if (i % 2 === 0) point.succeeded += Number(n ?? 0);
        else point.failed += Number(n ?? 0);
      });

      // A revoked job ends in BullMQ's failed set too: tell them apart by the error type.
      for (const name of QUEUE_NAMES) {
        const keys = partition.keys(name);
        const failed = await client.zrevrangebyscore(
          keys.failed,
          '+inf',
          since,
          'WITHSCORES',
          'LIMIT',
          0,
          MAX_FAILED_READ,
        );
        const ids = failed.filter((_, i) => i % 2 === 0);
        if (!ids.length) continue;
        const reads = client.pipeline();
        for (const id of ids) addStacktraceRead(reads, keys, id);
        const traces = (await reads.exec()) ?? [];
        ids.forEach((_, i) => {
          if (!wasRevoked(traces[i]?.[1])) return;
          const point = points[bucketOf(Number(failed[2 * i + 1]))];
          point.failed--;
          point.revoked++;
        });
      }
    }

    // Revoked before they ran: no job is left, only the revocation and the kept record.
    const revoked = await client.zrevrangebyscore(
      this.revocations.revokedKey,
      '+inf',
      since,
      'WITHSCORES',
      'LIMIT',
      0,
      MAX_REVOKED_READ,
    );
    const revokedIds = revoked.filter((_, i) => i % 2 === 0);
    const neverRan = await this.results.revokedBeforeRun(revokedIds);
    revokedIds.forEach((id, i) => {
      if (neverRan.has(id)) points[bucketOf(Number(revoked[2 * i + 1]))].revoked++;
    });
    return { bucket_seconds: bucketSeconds, points };
  }
}

/** The worker's stacks start with the error type: the last run's says whether it was revoked. */
function wasRevoked(stacktrace: unknown): boolean {
  const last = failedStacks(stacktrace).at(-1);
  return typeof last === 'string' && REVOKED_HEADER.test(last);
}
