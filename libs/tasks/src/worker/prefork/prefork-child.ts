import { Consumer, type ConsumerDeps } from '../consumer';
import type { PreforkChannel } from './prefork-channel';
import type { PreforkChildConfig } from './prefork-protocol';
import { Scoreboard } from './scoreboard';
import { SerialPool } from './serial-pool';
import { withDeadline } from '../with-deadline';

const STATS_INTERVAL_MS = 1000;
/**
 * Beyond the grace period, what a leaving child gives its stop (giving back reserved tasks,
 * closing its queues) before it leaves anyway: a Redis call stuck in a failover must not keep it.
 */
export const CHILD_STOP_MARGIN_MS = 1000;

/**
 * The life of a prefork child: a consumer of its own, which runs one task at a time and holds the
 * next few (prefetch), taken straight from Redis: no hop through the parent separates two tasks. Every job it takes carries its tag in the lock
 * token: the supervisor finds them there when the child dies. Resolves when the child should
 * leave (shutdown, or its share run), with whether every task it ran finished.
 */
export async function servePreforkChild(
  deps: ConsumerDeps,
  channel: PreforkChannel,
  config: PreforkChildConfig,
): Promise<boolean> {
  const scoreboard = new Scoreboard(config.scoreboard);
  const pool = new SerialPool(deps.registry, channel, {
    ...config,
    onStart: (taskId) => scoreboard.started(taskId),
  });
  let leaving: Promise<boolean> | undefined;
  let done!: (finished: boolean) => void;
  const left = new Promise<boolean>((resolve) => (done = resolve));

  const consumer = new Consumer(deps, {
    queues: config.queues,
    partitions: config.partitions,
    slots: config.prefetch,
    hostname: config.hostname,
    pool,
    defaults: config.defaults,
    lockTimeout: config.lockTimeout,
    tokenTag: config.tag,
    stalledChecks: false,
    rateShare: config.rateShare,
    onOutcome: () => {
      if (pool.exhausted && !leaving) {
        void channel.send({ type: 'retiring', reason: pool.exhausted });
        leave(0);
      }
    },
  });

  let reported = { total: {} as Record<string, number>, processed: 0 };
  const report = (): Promise<void> => {
    const now = consumer.snapshot();
    const total: Record<string, number> = {};
    for (const [name, n] of Object.entries(now.total)) {
      const delta = n - (reported.total[name] ?? 0);
      if (delta) total[name] = delta;
    }
    const processed = now.processed - reported.processed;
    reported = { total: now.total, processed: now.processed };
    const cpu = process.cpuUsage();
    return channel.send({
      type: 'stats',
      total,
      processed,
      active: now.active,
      reserved: now.reserved,
      rss: process.memoryUsage.rss(),
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    });
  };

  const timer = setInterval(() => void report().catch(() => undefined), STATS_INTERVAL_MS);
  const leave = (graceMs: number): void => {
    leaving ??= (async () => {
      clearInterval(timer);
      await withDeadline(
        started.catch(() => undefined),
        graceMs,
      );
      let finished = false;
      const stopped = consumer
        .stop(graceMs)
        .then((done) => (finished = done))
        .catch(() => undefined);
      await withDeadline(stopped, graceMs + CHILD_STOP_MARGIN_MS);
      // Past it, a task still running keeps its lock: stalled-job recovery redelivers it.
      await withDeadline(
        report().catch(() => undefined),
        CHILD_STOP_MARGIN_MS,
      );
      done(finished);
      return finished;
    })();
  };

  channel.onMessage((message) => {
    // Terminate is the supervisor's (it kills this child): here a revocation only keeps the task
    // from starting.
    if (message.type === 'revoke') consumer.onRevoke({ taskId: message.taskId, terminate: false });
    else leave(message.graceMs);
  });
  // Messages arrive on later turns: `started` is set before any leave() runs.
  const started = consumer.start();
  await started;
  await channel.send({ type: 'ready', pid: process.pid });
  return left;
}
