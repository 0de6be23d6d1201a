import { availableParallelism } from 'node:os';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { GroupCommand } from '../group-command';
import { WorkerStatsCommand } from './worker-stats.command';
import {
  MAX_TIME_LIMIT_S,
  publishCounted,
  RedisConnection,
  TASKS_OPTIONS,
  type ResolvedTasksOptions,
  WORKER_CONTROL_CHANNEL,
  type WorkerControlMessage,
} from '@brain/tasks';
import {
  expandHostname,
  parseConcurrency,
  parsePool,
  parsePositive,
  parsePartitions,
  parseQueues,
} from '@brain/runtime';
import { runWorker } from '../../../../worker/src';
import { runCommand, usage } from '../../cli-error';
import { checkEnvironment } from '../../redis-target';
import { withControlApp } from '../../with-control-app';
import { StartCommand, type StartOptions } from '../start-options';

// Celery's default: tasks run in child processes, so a crash or a kill takes only its task.
const DEFAULT_POOL = 'prefork';

interface WorkerStartOptions extends StartOptions {
  queue?: string;
  partitions?: string;
  concurrency?: string;
  hostname?: string;
  grace?: string;
  pool?: string;
  maxTasksPerChild?: string;
  maxMemoryPerChild?: string;
  prefetchMultiplier?: string;
  lockTimeout?: string;
  timeLimit?: string;
  softTimeLimit?: string;
}

@SubCommand({
  name: 'start',
  description: 'Run a worker in the foreground until SIGTERM or `worker stop`',
})
export class WorkerStartCommand extends StartCommand {
  async run(_params: string[], options: WorkerStartOptions = {}): Promise<void> {
    await runCommand(async () => {
      const queues = usage(() => parseQueues(options.queue));
      const partitions = usage(() => parsePartitions(options.partitions));
      const concurrency = usage(() =>
        parseConcurrency(options.concurrency, availableParallelism()),
      );
      const grace = usage(() => parseGrace(options.grace));
      const lockTimeout = usage(() => parsePositive(options.lockTimeout, '--lock-timeout'));
      const timeLimit = usage(() => parseSeconds(options.timeLimit, '--time-limit'));
      const softTimeLimit = usage(() => parseSeconds(options.softTimeLimit, '--soft-time-limit'));
      const pool = {
        implementation: usage(() => parsePool(options.pool, DEFAULT_POOL)),
        maxTasksPerChild: usage(() =>
          parsePositive(options.maxTasksPerChild, '--max-tasks-per-child'),
        ),
        maxMemoryPerChildMb: usage(() =>
          parsePositive(options.maxMemoryPerChild, '--max-memory-per-child'),
        ),
        prefetchMultiplier: usage(() =>
          parsePositive(options.prefetchMultiplier, '--prefetch-multiplier'),
        ),
      };
      checkEnvironment();
      return runWorker(
        {
          queues,
          partitions,
          concurrency,
          hostname: expandHostname(options.hostname),
          gracePeriodMs: grace,
          pool,
          lockTimeout,
          timeLimit,
          softTimeLimit,
        },
        this.includeOf(options),
      );
    });
  }

  @Option({
    flags: '-Q, --queue <queues>',
    description: 'comma-separated queues to serve (default: all five)',
  })
  parseQueue(value: string): string {
    return value;
  }

  @Option({
    flags: '-P, --partitions <numbers>',
    description: 'comma-separated partitions to serve, such as 0,2 (default: every one)',
  })
  parsePartitions(value: string): string {
    return value;
  }

  @Option({ flags: '-c, --concurrency <n>', description: 'tasks run at once (default: CPU count)' })
  parseConcurrency(value: string): string {
    return value;
  }

  @Option({
    flags: '-n, --hostname <name>',
    description: 'node name; %h = host, %p = pid (default worker-%p@%h)',
  })
  parseHostname(value: string): string {
    return value;
  }

  @Option({ flags: '--time-limit <seconds>', description: 'hard limit for tasks that set none' })
  parseTimeLimit(value: string): string {
    return value;
  }

  @Option({
    flags: '--soft-time-limit <seconds>',
    description: 'soft limit for tasks that set none',
  })
  parseSoftTimeLimit(value: string): string {
    return value;
  }

  @Option({
    flags: '--lock-timeout <seconds>',
    description:
      "lock of a running task; a dead worker's tasks rerun after one to two of these (default 30)",
  })
  parseLockTimeout(value: string): string {
    return value;
  }

  @Option({
    flags: '-P, --pool <pool>',
    description: `prefork, threads or inline (default ${DEFAULT_POOL})`,
  })
  parsePool(value: string): string {
    return value;
  }

  @Option({ flags: '--max-tasks-per-child <n>', description: 'replace a pool child after n tasks' })
  parseMaxTasks(value: string): string {
    return value;
  }

  @Option({
    flags: '--prefetch-multiplier <n>',
    description:
      'tasks each pool child holds, the running one included (default 4; 1 reserves none)',
  })
  parsePrefetch(value: string): string {
    return value;
  }

  @Option({
    flags: '--max-memory-per-child <mb>',
    description: 'replace a pool child past this resident memory',
  })
  parseMaxMemory(value: string): string {
    return value;
  }

  @Option({
    flags: '--grace <seconds>',
    description: 'on SIGTERM, how long running tasks may finish (default 30)',
  })
  parseGrace(value: string): string {
    return value;
  }
}

@SubCommand({
  name: 'stop',
  description: 'Ask workers to shut down gracefully (all, or --hostname)',
})
export class WorkerStopCommand extends CommandRunner {
  async run(_params: string[], options: { hostname?: string } = {}): Promise<void> {
    await runCommand(() =>
      withControlApp(async (app) => {
        const redis = app.get(RedisConnection);
        const { prefix } = app.get<ResolvedTasksOptions>(TASKS_OPTIONS);
        const message: WorkerControlMessage = { command: 'shutdown', hostname: options.hostname };
        const receivers = await publishCounted(
          redis.client,
          `${prefix}:${WORKER_CONTROL_CHANNEL}`,
          JSON.stringify(message),
        );
        process.stdout.write(
          `shutdown sent to ${options.hostname ?? 'all workers'} (${receivers} worker(s) listening)\n`,
        );
        return 0;
      }),
    );
  }

  @Option({ flags: '-n, --hostname <name>', description: 'only this worker' })
  parseHostname(value: string): string {
    return value;
  }
}

@Command({
  name: 'worker',
  description: 'Worker management: start, stop, stats',
  subCommands: [WorkerStartCommand, WorkerStopCommand, WorkerStatsCommand],
})
export class WorkerCommand extends GroupCommand {}

function parseSeconds(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const s = Number(raw);
  if (!Number.isFinite(s) || s <= 0 || s > MAX_TIME_LIMIT_S)
    throw new Error(`${flag} must be a number of seconds from 0 to ${MAX_TIME_LIMIT_S}`);
  return s;
}

function parseGrace(raw: string | undefined): number {
  if (raw === undefined) return 30_000;
  const s = Number(raw);
  if (!Number.isFinite(s) || s < 0) throw new Error('--grace must be a number of seconds >= 0');
  return s * 1000;
}
