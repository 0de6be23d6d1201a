import { Option, SubCommand } from 'nest-commander';
import { TaskListing, taskStatus } from '@brain/tasks';
import { DEFAULT_TASK_PAGE, ListTasksQuery, toListFilter } from '@brain/contracts';
import { CliError, runCommand } from '../../cli-error';
import { parseWholeOption } from '../../options/parse-options';
import { validateAsApi } from '../../options/validate-as-api';
import { formatTime, formatValue } from '../../output/format';
import { OutputCommand, type OutputOptions } from '../../output/output-command';
import { printJson, printLine, printTable } from '../../output/print';
import { withControlApp } from '../../with-control-app';
import { describeError, runtime } from './print-task';

interface ListOptions extends OutputOptions {
  state?: string;
  name?: string;
  queue?: string;
  worker?: string;
  since?: string;
  until?: string;
  limit?: string;
  offset?: string;
  page?: string;
  cursor?: string;
}

/** The option standing for each query parameter of GET /api/tasks. */
const FLAGS = {
  status: '--state',
  task_name: '--name',
  queue: '--queue',
  worker: '--worker',
  since: '--since',
  until: '--until',
  limit: '--limit',
  offset: '--offset',
  cursor: '--cursor',
};

@SubCommand({
  name: 'list',
  description: 'Recent tasks, newest first, filtered and paginated as GET /api/tasks',
})
export class TasksListCommand extends OutputCommand<ListOptions> {
  async run(_params: string[], options: ListOptions = {}): Promise<void> {
    await runCommand(async () => {
      const page = parseWholeOption(options.page, '--page', 1);
      if (page !== undefined && options.offset !== undefined)
        throw new CliError('give --page or --offset, not both', 2);
      const limit = options.limit ?? String(DEFAULT_TASK_PAGE);
      // Query-string values, as the API receives them: its DTO converts and checks them.
      const q = validateAsApi(
        ListTasksQuery,
        {
          status: options.state?.toUpperCase(),
          task_name: options.name,
          queue: options.queue,
          worker: options.worker,
          since: options.since,
          until: options.until,
          limit,
          offset: page !== undefined ? String((page - 1) * Number(limit)) : options.offset,
          cursor: options.cursor,
        },
        FLAGS,
      );
      return withControlApp(async (app) => {
        const found = await app.get(TaskListing).list(toListFilter(q));
        const tasks = found.tasks.map(taskStatus);
        if (options.json) return printJson({ ...found, tasks });
        printTable(tasks, [
          { header: 'TASK ID', value: (t) => t.task_id },
          { header: 'NAME', value: (t) => t.task_name },
          { header: 'STATE', value: (t) => t.status },
          { header: 'QUEUE', value: (t) => t.queue },
          { header: 'WORKER', value: (t) => t.worker },
          { header: 'SCHEDULE', value: (t) => t.periodic_task_name },
          { header: 'RECEIVED', value: (t) => formatTime(t.date_received) },
          { header: 'RUNTIME', value: runtime, align: 'right' },
          {
            header: 'RESULT / ERROR',
            value: (t) =>
              t.status === 'SUCCESS' ? formatValue(t.result, 40) : describeError(t.error),
          },
        ]);
        const first = found.offset + 1;
        const last = found.offset + tasks.length;
        const range = tasks.length ? `tasks ${first}-${last}` : 'no tasks';
        // A full page goes on by page; a call that stopped at its scan bound, by cursor.
        const next = !found.next_cursor
          ? ''
          : tasks.length === found.limit && !q.cursor
            ? `; more with --page ${Math.floor(found.offset / found.limit) + 2}`
            : `; more with --cursor ${found.next_cursor}`;
        printLine(`${range}${next}`);
      });
    });
  }

  @Option({
    flags: '-s, --state <state>',
    description: 'PENDING, STARTED, SUCCESS, FAILURE, RETRY or REVOKED',
  })
  parseState(value: string): string {
    return value;
  }

  @Option({ flags: '-n, --name <task>', description: 'only this task name' })
  parseName(value: string): string {
    return value;
  }

  @Option({ flags: '-Q, --queue <queue>', description: 'only this queue' })
  parseQueue(value: string): string {
    return value;
  }

  @Option({ flags: '-w, --worker <hostname>', description: 'only tasks this worker ran' })
  parseWorker(value: string): string {
    return value;
  }

  @Option({ flags: '--since <iso>', description: 'sent at or after this time' })
  parseSince(value: string): string {
    return value;
  }

  @Option({ flags: '--until <iso>', description: 'sent at or before this time' })
  parseUntil(value: string): string {
    return value;
  }

  @Option({
    flags: '-l, --limit <n>',
    description: `tasks per page, 1-500 (default ${DEFAULT_TASK_PAGE})`,
  })
  parseLimit(value: string): string {
    return value;
  }

  @Option({ flags: '--offset <n>', description: 'tasks to skip' })
  parseOffset(value: string): string {
    return value;
  }

  @Option({ flags: '-p, --page <n>', description: 'page number, from 1 (instead of --offset)' })
  parsePage(value: string): string {
    return value;
  }

  @Option({ flags: '--cursor <cursor>', description: "go on from an earlier list's cursor" })
  parseCursor(value: string): string {
    return value;
  }
}
