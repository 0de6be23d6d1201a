import { Logger, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DatabaseConfig } from '@brain/config';
import { OutboundOptionsModule } from '@brain/outbound';
import { StorageModule } from '@brain/storage';
import { ResultStore, TaskContext, TasksModule } from '@brain/tasks';
import { dropTestDatabase, eachDialect } from '../../../../test/support/databases';
import { testRedisUrl, uniquePrefix } from '../../../../test/support/redis';
import { MissionStore } from './mission.store';
import { MissionTasks, PROCESS_MISSION } from './missions.tasks';
import { MissionsModule } from '../missions.module';
import { NotificationOutbox } from '../notifications/notification-outbox';

const HOOK = 'http://127.0.0.1:9/notify';
const notify = { recipients: [HOOK], notification_type: 'webhook' };

/** A run of process_mission_async under a given task id, as a worker runs it. */
const runAs = (taskId: string) =>
  new TaskContext(
    taskId,
    PROCESS_MISSION,
    'missions',
    0,
    0,
    () => new AbortController().signal,
    'spec',
    new Logger('spec'),
  );

// No worker consumes here: a delivery task is only queued, so what exists was written by the run.
describe.each(eachDialect)('mission notifications through the outbox on %s', (dialect, newDb) => {
  let app: INestApplicationContext;
  let database: DatabaseConfig;

  beforeAll(async () => {
    database = await newDb(`mission_notify_${dialect}`);
    @Module({
      imports: [
        TasksModule.forRoot({ redisUrl: testRedisUrl(), prefix: uniquePrefix('mission-notify') }),
        StorageModule.forRoot({ database }),
        OutboundOptionsModule.forRoot({ allow: '127.0.0.1:9' }),
        MissionsModule,
      ],
    })
    class AppModule {}
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  });

  afterAll(async () => {
    await app?.close();
    await dropTestDatabase(database);
  });

  it('writes the notification with the mission’s end, before any delivery, then sends it', async () => {
    const store = app.get(MissionStore);
    const m = await store.create({
      name: 'notify',
      payload: { steps: [{ type: 'compute', op: 'sum', values: [1] }], notify },
    });
    const out = await app.get(MissionTasks).processMissionAsync({ mission_id: m.id }, runAs('r1'));
    expect(out).toMatchObject({ status: 'completed', notification_task_id: expect.any(String) });
    const rows = await app.get(NotificationOutbox).forMission(m.id);
    expect(rows).toEqual([
      expect.objectContaining({
        task_id: out.notification_task_id,
        notification_type: 'webhook',
        recipients: [HOOK],
        status: 'pending',
        attempts: 0,
        payload: { status: 'completed' },
      }),
    ]);
    const queued = await app.get(ResultStore).get(out.notification_task_id!);
    expect(queued).toMatchObject({ state: 'PENDING', parent_id: 'r1' });
    expect(queued?.kwargs).toMatchObject({ mission_id: m.id, status: 'completed' });
  });

  it('is one transaction: a notification that cannot be written leaves the mission running', async () => {
    const store = app.get(MissionStore);
    const m = await store.create({ name: 'atomic' });
    await store.start(m.id, new Date(), 'r2');
    const bad = { mission_id: m.id, notification_type: 'pigeon', recipients: [], payload: null };
    // Not toThrow(): better-sqlite3's native binding keeps the SqliteError class of the first test
    // file that loaded it in this Jest worker, which is no Error of this file's realm.
    await expect(store.complete(m.id, {}, new Date(), bad as never)).rejects.toHaveProperty(
      'message',
      expect.stringMatching(/check constraint/i),
    );
    expect(await store.get(m.id)).toMatchObject({ status: 'running', completed_at: null });
    expect(await app.get(NotificationOutbox).forMission(m.id)).toEqual([]);
  });

  it('a redelivery of the run that ended the mission sends the notification it left unsent, once', async () => {
    const store = app.get(MissionStore);
    const m = await store.create({ name: 'crashed', payload: { notify } });
    await store.start(m.id, new Date(), 'r3');
    // What a worker killed right after the commit leaves: the row, and no delivery task.
    await store.complete(m.id, { steps: [] }, new Date(), {
      mission_id: m.id,
      task_id: 'n3',
      notification_type: 'webhook',
      recipients: [HOOK],
      payload: { status: 'completed' },
    });
    const results = app.get(ResultStore);
    expect(await results.get('n3')).toBeNull();

    const tasks = app.get(MissionTasks);
    const again = await tasks.processMissionAsync({ mission_id: m.id }, runAs('r3'));
    expect(again).toMatchObject({ status: 'skipped', notification_task_id: 'n3' });
    expect(await results.get('n3')).toMatchObject({
      state: 'PENDING',
      kwargs: { status: 'completed' },
    });
    // Another delivery, or another task: the one job stays the only one.
    await tasks.processMissionAsync({ mission_id: m.id }, runAs('r3'));
    const other = await tasks.processMissionAsync({ mission_id: m.id }, runAs('someone-else'));
    expect(other).not.toHaveProperty('notification_task_id');
    const waiting = await app.get(ResultStore).findJob('n3');
    expect(waiting?.job.attemptsMade ?? 0).toBe(0);
    expect(await app.get(NotificationOutbox).forMission(m.id)).toHaveLength(1);
  });
});
