import type { INestApplicationContext } from '@nestjs/common';
import { Command } from 'nest-commander';
import { sql } from 'kysely';
import { AppConfigService } from '@brain/config';
import { STORAGE, type Storage } from '@brain/storage';
import {
  BeatRunner,
  BeatService,
  QueueInspector,
  RedisConnection,
  WorkerDirectory,
  redactUrl,
  type RedisTopology,
} from '@brain/tasks';
import { runCommand } from '../cli-error';
import { dependencyVersion, ownPackage } from '../package-info';
import { formatTime } from '../output/format';
import { OutputCommand, type OutputOptions } from '../output/output-command';
import { printFields, printJson, printLine, printTable } from '../output/print';
import { withControlApp } from '../with-control-app';

@Command({
  name: 'info',
  description:
    'Versions, Redis and database (secrets masked), queues with depth, workers, beat schedules',
})
export class InfoCommand extends OutputCommand {
  async run(_params: string[], options: OutputOptions = {}): Promise<void> {
    await runCommand(() =>
      withControlApp(async (app) => {
        const info = await gather(app);
        if (options.json) return printJson(info);
        printFields([
          [info.name, info.version],
          ['node', info.node],
          ['nestjs', info.nestjs],
          ['bullmq', info.bullmq],
          ['redis-server', info.redis_server],
          ['redis', `${info.redis.url} (key prefix ${info.redis.prefix})`],
          ['topology', describeTopology(info.redis.topology)],
          ['database', `${info.database.url} (${info.database.dialect} ${info.database.server})`],
        ]);
        printLine();
        printTable(info.queues, [
          { header: 'QUEUE', value: (q) => q.queue },
          { header: 'PRIORITY', value: (q) => q.priority, align: 'right' },
          { header: 'DEPTH', value: (q) => q.depth, align: 'right' },
          { header: 'SCHEDULED', value: (q) => q.scheduled, align: 'right' },
          { header: 'ACTIVE', value: (q) => q.active, align: 'right' },
        ]);
        printLine();
        printLine(`partitions: ${info.partitions.configured} (REDIS_PARTITIONS)`);
        printTable(info.partitions.registered, [
          { header: 'PARTITION', value: (p) => p.partition, align: 'right' },
          { header: 'PREFIX', value: (p) => p.prefix },
          { header: 'MASTER', value: (p) => p.master },
          { header: 'SENDING', value: (p) => (p.sending ? 'yes' : 'no (draining)') },
          { header: 'DEPTH', value: (p) => p.depth, align: 'right' },
          { header: 'SCHEDULED', value: (p) => p.scheduled, align: 'right' },
          { header: 'ACTIVE', value: (p) => p.active, align: 'right' },
        ]);
        printLine();
        const { online, hostnames } = info.workers;
        printLine(`workers online: ${online}${online ? ` (${hostnames.join(', ')})` : ''}`);
        const beats = info.beat.running;
        printLine(`beat: ${beats.length ? `running (${beats.join(', ')})` : 'not running'}`);
        if (!info.beat.schedules.length) return printLine('schedules: none registered');
        printLine();
        printTable(info.beat.schedules, [
          { header: 'SCHEDULE', value: (s) => s.key },
          { header: 'TASK', value: (s) => s.task },
          { header: 'QUEUE', value: (s) => s.queue },
          {
            header: 'EVERY / CRON',
            value: (s) =>
              s.every_seconds !== null ? `${s.every_seconds}s` : `${s.cron} ${s.timezone ?? ''}`,
          },
          { header: 'NEXT RUN', value: (s) => formatTime(s.next_run) },
        ]);
      }),
    );
  }
}

/** Everything `info` shows; passwords in URLs masked. */
async function gather(app: INestApplicationContext) {
  const config = app.get(AppConfigService);
  const redis = app.get(RedisConnection);
  const storage = app.get<Storage>(STORAGE);
  const own = ownPackage();
  const inspector = app.get(QueueInspector);
  const [serverInfo, topology, dbVersion, queues, partitions, online, running, schedules] =
    await Promise.all([
      redis.client.info('server'),
      redis.topology(),
      databaseVersion(storage),
      inspector.depths(),
      inspector.partitions(),
      app.get(WorkerDirectory).online(),
      app.get(BeatRunner).running(),
      app.get(BeatService).list(),
    ]);
  return {
    name: own.name,
    version: own.version,
    node: process.versions.node,
    nestjs: dependencyVersion('@nestjs/core'),
    bullmq: dependencyVersion('bullmq'),
    redis_server: /redis_version:(\S+)/.exec(serverInfo)?.[1] ?? 'unknown',
    redis: { url: redis.displayUrl, prefix: redis.prefix, topology },
    database: {
      url: redactUrl(config.databaseUrl),
      dialect: storage.dialect,
      server: dbVersion,
    },
    queues,
    partitions: { configured: config.redisPartitions, registered: partitions },
    workers: { online: online.length, hostnames: online.map((w) => w.hostname).sort() },
    beat: { running, schedules },
  };
}

function describeTopology(t: RedisTopology): string {
  if (t.masters) {
    const masters = t.masters.map((m) => {
      const slots = m.slots.map(([from, to]) => (from === to ? `${from}` : `${from}-${to}`));
      const replicas = m.replicas.length ? `, replicas ${m.replicas.join(', ')}` : '';
      return `${m.master} (slots ${slots.join(',')}${replicas})`;
    });
    return `${t.kind}: masters ${masters.join('; ')}`;
  }
  const replicas = t.replicas.length ? t.replicas.join(', ') : 'none';
  return `${t.kind}: master ${t.master}, replicas ${replicas}`;
}

async function databaseVersion(storage: Storage): Promise<string> {
  const query =
    storage.dialect === 'sqlite'
      ? sql<{ version: string }>`select sqlite_version() as version`
      : sql<{ version: string }>`show server_version`;
  const { rows } = await query.execute(storage.db);
  const row = rows[0] as Record<string, string> | undefined;
  return row ? (row.version ?? row.server_version ?? 'unknown') : 'unknown';
}
