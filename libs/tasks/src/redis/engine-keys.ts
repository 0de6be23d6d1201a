/**
 * The engine's own Redis keys and channels, all under the configured prefix (BullMQ's keys are in
 * bullmq/queue-keys.ts): one place to see, and to change, every name the engine writes.
 */
export function engineKeys(prefix: string) {
  return {
    /** List of the partitions' key prefixes, partition 0's first; only grows (partition 0). */
    partitions: `${prefix}:partitions`,
    /** Sorted set of task ids by when sent: serves listings (one per partition). */
    taskIndex: `${prefix}:tasks`,
    /** The record of a task revoked before it ran (its job is gone). */
    revokedTask: (taskId: string) => `${prefix}:revoked-task:${taskId}`,
    /** Pub/sub channel of revocations, to every worker. */
    revocations: `${prefix}:revocations`,
    /** Sorted set of revoked task ids by when revoked. */
    revoked: `${prefix}:revoked`,
    /** A worker's heartbeat. */
    worker: (hostname: string) => `${prefix}:worker:${hostname}`,
    /** Sorted set of worker hostnames by last heartbeat. */
    workers: `${prefix}:workers`,
    /** Sorted set of running beats by last sign of life. */
    beats: `${prefix}:beats`,
    /** Pub/sub channel of beat commands. */
    beatControl: `${prefix}:beat-control`,
    /** Hash of task counters and runtime histograms. */
    taskMetrics: `${prefix}:metrics:tasks`,
    /** Pub/sub channel (`channel` after the prefix): worker control commands and their replies. */
    channel: (channel: string) => `${prefix}:${channel}`,
    /**
     * Who holds a periodic schedule's current run; beside the queue's own keys (same prefix and
     * queue name), so that one hash tag covers both.
     */
    scheduleRun: (queue: string, scheduleKey: string) =>
      `${prefix}:${queue}:schedule-run:${scheduleKey}`,
  };
}
