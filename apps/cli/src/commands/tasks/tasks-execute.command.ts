import { Option, SubCommand } from 'nest-commander';
import type { INestApplicationContext } from '@nestjs/common';
import { taskSendRefusal } from '@brain/auth';
import {
  type QueueName,
  ResultWaiter,
  type TaskWait,
  TaskClient,
  TaskNotFoundError,
  TaskRegistry,
  UnknownTaskError,
  WorkerDirectory,
  taskStatus,
} from '@brain/tasks';
import { ExecuteTaskDto, toApplyOptions } from '@brain/contracts';
import { auditCli, cliPrincipal } from '../../cli-audit';
import { CliError, runCommand } from '../../cli-error';
import {
  parseJsonOption,
  parseNumberOption,
  parseSecondsOption,
} from '../../options/parse-options';
import { usageFromTaskInput, validateAsApi } from '../../options/validate-as-api';
import { OutputCommand, type OutputOptions } from '../../output/output-command';
import { printFields, printJson, printLine } from '../../output/print';
import { withControlApp } from '../../with-control-app';
import { describeError, runtime } from './print-task';

interface ExecuteOptions extends OutputOptions {
  args?: string;
  kwargs?: string;
  queue?: string;
  countdown?: string;
  eta?: string;
  priority?: string;
  expires?: string;
  timeLimit?: string;
  softTimeLimit?: string;
  partitionKey?: string;
  wait?: boolean;
  timeout?: string;
  include?: string;
}

/** The option standing for each field of POST /api/tasks/execute. */
const FLAGS = {
  task_name: '<name>',
  args: '--args',
  kwargs: '--kwargs',
  queue: '--queue',
  countdown: '--countdown',
  eta: '--eta',
  priority: '--priority',
  expires: '--expires',
  time_limit: '--time-limit',
  soft_time_limit: '--soft-time-limit',
  partition_key: '--partition-key',
};

/** `--expires 3600` (seconds) or `--expires 2026-12-01T09:00:00Z`, as the API takes either. */
function parseExpires(raw: string | undefined): number | string | undefined {
  return raw !== undefined && /^\s*[\d.]+\s*$/.test(raw) ? Number(raw) : raw;
}

@SubCommand({
  name: 'execute',
  arguments: '<name>',
  argsDescription: { name: 'the task’s fully qualified name (see `brain tasks registered`)' },
  description:
    'Send a task (apply_async) and print its id; with --wait, wait for its outcome (exit 1 if it fails or is revoked)',
})
export class TasksExecuteCommand extends OutputCommand<ExecuteOptions> {
  async run([name]: string[], options: ExecuteOptions = {}): Promise<void> {
    await runCommand(async () => {
      // The API's own rules first (same messages), then the engine's when it is sent.
      const dto = validateAsApi(
        ExecuteTaskDto,
        {
          task_name: name,
          args: parseJsonOption(options.args, '--args'),
          kwargs: parseJsonOption(options.kwargs, '--kwargs'),
          queue: options.queue,
          countdown: parseNumberOption(options.countdown, '--countdown'),
          eta: options.eta,
          priority: parseNumberOption(options.priority, '--priority'),
          expires: parseExpires(options.expires),
          time_limit: parseNumberOption(options.timeLimit, '--time-limit'),
          soft_time_limit: parseNumberOption(options.softTimeLimit, '--soft-time-limit'),
          partition_key: options.partitionKey,
        },
        FLAGS,
      );
      const timeout = parseSecondsOption(options.timeout, '--timeout');
      if (timeout !== undefined && !options.wait) throw new CliError('--timeout needs --wait', 2);
      return withControlApp(
        async (app) => {
          // The API's decision with the CLI's role (admin: see cli-audit), before anything is sent.
          const registry = app.get(TaskRegistry);
          const refused =
            registry.has(dto.task_name) &&
            taskSendRefusal(cliPrincipal(), registry.get(dto.task_name));
          if (refused) throw new CliError(refused, 1);
          const sent = await app
            .get(TaskClient)
            .applyAsync(dto.task_name, toApplyOptions(dto))
            .catch((err: unknown) => {
              if (err instanceof UnknownTaskError)
                throw new CliError(`${err.message} (brain tasks registered lists them)`, 2);
              throw usageFromTaskInput(err, FLAGS);
            });
          await auditCli(app, 'task.execute', {
            taskId: sent.task_id,
            detail: { task_name: sent.task_name, queue: sent.queue },
          });
          if (!options.wait) {
            if (options.json) printJson(sent);
            else printLine(sent.task_id);
            return 0;
          }
          // The id first, so that it is known however long the wait.
          if (!options.json) printLine(sent.task_id);
          await warnIfUnserved(app, sent.queue);
          const waited = await app
            .get(ResultWaiter)
            .wait(sent.task_id, timeout === undefined ? undefined : timeout * 1000)
            .catch((err: unknown) => {
              // Sent a moment ago: not found means already taken away (its queue purged).
              if (err instanceof TaskNotFoundError) return undefined;
              throw err;
            });
          if (!waited) return gone(sent.task_id);
          return report(waited, timeout, options.json === true);
        },
        { include: options.include },
      );
    });
  }

  @Option({ flags: '--args <json>', description: 'positional arguments, a JSON list' })
  parseArgs(value: string): string {
    return value;
  }

  @Option({ flags: '--kwargs <json>', description: 'keyword arguments, a JSON object' })
  parseKwargs(value: string): string {
    return value;
  }

  @Option({ flags: '-Q, --queue <queue>', description: 'queue, instead of the task’s route' })
  parseQueue(value: string): string {
    return value;
  }

  @Option({ flags: '--countdown <seconds>', description: 'seconds to wait before it may run' })
  parseCountdown(value: string): string {
    return value;
  }

  @Option({ flags: '--eta <iso>', description: 'earliest time to run, ISO 8601' })
  parseEta(value: string): string {
    return value;
  }

  @Option({
    flags: '--priority <0-9>',
    description: 'priority within its queue, 9 first (default 5)',
  })
  parsePriority(value: string): string {
    return value;
  }

  @Option({
    flags: '--expires <seconds|iso>',
    description: 'after this (seconds from now, or a time) it is revoked instead of run',
  })
  parseExpires(value: string): string {
    return value;
  }

  @Option({
    flags: '--time-limit <seconds>',
    description: 'hard time limit: the task is stopped past it (at most 7 days)',
  })
  parseTimeLimit(value: string): string {
    return value;
  }

  @Option({
    flags: '--soft-time-limit <seconds>',
    description: 'soft time limit: the task is told past it (at most 7 days)',
  })
  parseSoftTimeLimit(value: string): string {
    return value;
  }

  @Option({
    flags: '--partition-key <key>',
    description: 'same key, same partition (REDIS_PARTITIONS): run in the order sent among them',
  })
  parsePartitionKey(value: string): string {
    return value;
  }

  @Option({ flags: '--wait', description: 'wait for the outcome; print state and result' })
  parseWait(): boolean {
    return true;
  }

  @Option({
    flags: '--timeout <seconds>',
    description: 'with --wait: give up after this long (exit 1); default no limit',
  })
  parseTimeout(value: string): string {
    return value;
  }

  @Option({
    flags: '-I, --include <paths>',
    description: 'comma-separated files of extra task modules (default BRAIN_INCLUDE)',
  })
  parseInclude(value: string): string {
    return value;
  }
}

/** A wait on a queue no worker serves would last until one starts: say so, and wait anyway. */
async function warnIfUnserved(app: INestApplicationContext, queue: QueueName): Promise<void> {
  const workers = await app.get(WorkerDirectory).online();
  if (!workers.some((w) => w.queues.includes(queue))) {
    process.stderr.write(
      `brain: warning: no worker online serves the ${queue} queue; waiting until one does\n`,
    );
  }
}

function gone(taskId: string): number {
  process.stderr.write(`brain: task ${taskId} is gone (its queue was purged?)\n`);
  return 1;
}

/** Prints the outcome of --wait; answers the exit code (0 only for SUCCESS). */
function report(waited: TaskWait, timeout: number | undefined, json: boolean): number {
  const status = taskStatus(waited.record);
  if (waited.outcome === 'gone' && waited.completed) {
    // An ignore_result task: it succeeded (BullMQ said so) and keeps no record, hence no result.
    const done = { ...status, status: 'SUCCESS' as const, ready: true, successful: true };
    if (json) printJson(done);
    else
      printFields([
        ['state', 'SUCCESS'],
        ['result', '(not kept: ignore_result)'],
      ]);
    return 0;
  }
  if (json) printJson(status);
  if (waited.outcome === 'gone') return gone(status.task_id);
  if (waited.outcome === 'timeout') {
    process.stderr.write(
      `brain: task ${status.task_id} not done after ${timeout}s (still ${status.status})\n`,
    );
    return 1;
  }
  if (!json) {
    printFields([
      ['state', status.status],
      ['runtime', runtime(status)],
      ...(status.status === 'SUCCESS'
        ? [['result', JSON.stringify(status.result) ?? 'null'] as [string, string]]
        : [['error', describeError(status.error)] as [string, string | null]]),
    ]);
  }
  if (status.status === 'SUCCESS') return 0;
  process.stderr.write(
    `brain: task ${status.task_id} ended ${status.status}${status.error ? `: ${describeError(status.error)}` : ''}\n`,
  );
  return 1;
}
