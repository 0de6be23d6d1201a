import { Option, SubCommand } from 'nest-commander';
import { WorkerDirectory, type WorkerStatsEntry, workerStats } from '@brain/tasks';
import { CliError, runCommand } from '../../cli-error';
import { formatBytes, formatDuration } from '../../output/format';
import { OutputCommand, type OutputOptions } from '../../output/output-command';
import { printJson, printLine, printTable } from '../../output/print';
import { withControlApp } from '../../with-control-app';

interface StatsOptions extends OutputOptions {
  hostname?: string;
}

/** Workers that stopped within this long are listed as offline. */
const OFFLINE_WITHIN_S = 3600;

interface Row {
  hostname: string;
  stats?: WorkerStatsEntry;
}

@SubCommand({
  name: 'stats',
  description: `Workers online (and offline within the last hour): pool, load, tasks, resources`,
})
export class WorkerStatsCommand extends OutputCommand<StatsOptions> {
  async run(_params: string[], options: StatsOptions = {}): Promise<void> {
    await runCommand(() =>
      withControlApp(async (app) => {
        const directory = app.get(WorkerDirectory);
        const wanted = (hostname: string) => !options.hostname || hostname === options.hostname;
        const [online, offline] = await Promise.all([
          directory.online(),
          directory.offline(OFFLINE_WITHIN_S),
        ]);
        // GET /api/tasks/workers/stats, plus the workers whose heartbeat has stopped.
        const stats = {
          ...workerStats(online.filter((w) => wanted(w.hostname))),
          offline: offline.filter(wanted).sort(),
        };
        if (options.hostname && !stats.total_workers && !stats.offline.length)
          throw new CliError(`no worker ${options.hostname} (online, or within the last hour)`, 1);
        if (options.json) return printJson(stats);
        const rows: Row[] = [
          ...Object.entries(stats.workers)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([hostname, s]) => ({ hostname, stats: s })),
          ...stats.offline.map((hostname) => ({ hostname })),
        ];
        printTable(rows, [
          { header: 'HOSTNAME', value: (r) => r.hostname },
          { header: 'STATUS', value: (r) => (r.stats ? 'online' : 'offline') },
          { header: 'PID', value: (r) => r.stats?.pid, align: 'right' },
          { header: 'POOL', value: (r) => r.stats?.pool.implementation },
          { header: 'CONCURRENCY', value: (r) => r.stats?.pool['max-concurrency'], align: 'right' },
          { header: 'PROCESSES', value: (r) => r.stats?.pool.processes.join(',') },
          { header: 'PROCESSED', value: (r) => r.stats?.processed, align: 'right' },
          { header: 'RUNNING', value: (r) => r.stats?.active, align: 'right' },
          { header: 'RESERVED', value: (r) => r.stats?.reserved, align: 'right' },
          {
            header: 'CPU',
            value: (r) => r.stats && `${r.stats.rusage.cpu_seconds.toFixed(1)}s`,
            align: 'right',
          },
          {
            header: 'RSS',
            value: (r) => r.stats && formatBytes(r.stats.rusage.rss_bytes),
            align: 'right',
          },
          {
            header: 'UPTIME',
            value: (r) => r.stats && formatDuration(r.stats.uptime),
            align: 'right',
          },
          { header: 'QUEUES', value: (r) => r.stats?.queues.join(',') },
        ]);
        for (const { hostname, stats: s } of rows) {
          const totals = Object.entries(s?.total ?? {}).sort(([a], [b]) => a.localeCompare(b));
          if (!totals.length) continue;
          printLine();
          printLine(`${hostname}: tasks processed`);
          printTable(
            totals.map(([name, count]) => ({ name, count })),
            [
              { header: '  TASK', value: (t) => `  ${t.name}` },
              { header: 'COUNT', value: (t) => t.count, align: 'right' },
            ],
          );
        }
        printLine();
        printLine(`${stats.total_workers} online, ${stats.offline.length} offline`);
      }),
    );
  }

  @Option({ flags: '-n, --hostname <name>', description: 'only this worker' })
  parseHostname(value: string): string {
    return value;
  }
}
