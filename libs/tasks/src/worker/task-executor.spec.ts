import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Worker } from 'bullmq';
import { testRedisUrl, uniquePrefix } from '../../../../test/support/redis';
import type { TaskMessage } from '../client/apply-options';
import { TaskClient } from '../client/task-client.service';
import { QueueRegistry } from '../queues/queue-registry';
import { RedisConnection } from '../redis/redis-connection.service';
import { Task } from '../registry/task.decorator';
import { TaskStop } from '../execution/task-stop';
import { ResultStore } from '../results/result-store.service';
import { TasksModule } from '../tasks.module';
import { TaskExecutor } from './task-executor';
import { TaskWorkerModule } from './task-worker.module';

const ran: string[] = [];

@Injectable()
class RecordingTasks {
  @Task({ name: 'tests.record', params: ['label'] })
  record({ label }: { label: string }): string {
    ran.push(label);
    return label;
  }
}

@Module({ providers: [RecordingTasks] })
class RecordingModule {}

describe('TaskExecutor (real Redis, a job fetched by hand)', () => {
  let app: INestApplicationContext;
  let worker: Worker<TaskMessage>;

  beforeAll(async () => {
    const prefix = uniquePrefix('executor');
    @Module({
      imports: [
        TasksModule.forRoot({ redisUrl: testRedisUrl(), prefix }),
        TaskWorkerModule,
        RecordingModule,
      ],
    })
    class AppModule {}
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    worker = new Worker<TaskMessage>('default', null, {
      connection: app.get(RedisConnection).connectionOptions,
      prefix,
      name: 'hand@test',
      autorun: false,
    });
  });

  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  async function fetch(taskId: string) {
    const job = await worker.getNextJob('token-' + taskId, { block: false });
    expect(job?.id).toBe(taskId);
    return job;
  }

  it('skips a task revoked after a worker fetched it: it never runs and reads REVOKED', async () => {
    const sent = await app
      .get(TaskClient)
      .applyAsync('tests.record', { args: ['revoked-after-fetch'] });
    const job = await fetch(sent.task_id);
    const outcome = await app.get(TaskExecutor).execute(job, 'token-' + sent.task_id, {
      hostname: 'hand@test',
      stop: new TaskStop(),
      isRevoked: (id) => id === sent.task_id,
    });
    expect(outcome.state).toBe('REVOKED');
    expect(ran).not.toContain('revoked-after-fetch');
    const record = await app.get(ResultStore).get(sent.task_id);
    expect(record).toMatchObject({
      state: 'REVOKED',
      date_started: null,
      error: { type: 'TaskRevokedError' },
    });
  });

  it('ends a job as completed with the result as the record, and nothing left queued', async () => {
    const sent = await app.get(TaskClient).applyAsync('tests.record', { kwargs: { label: 'ok' } });
    const job = await fetch(sent.task_id);
    await app.get(TaskExecutor).execute(job, 'token-' + sent.task_id, {
      hostname: 'hand@test',
      stop: new TaskStop(),
    });
    expect(await app.get(ResultStore).get(sent.task_id)).toMatchObject({
      state: 'SUCCESS',
      result: 'ok',
      worker: 'hand@test',
    });
    const counts = await app
      .get(QueueRegistry)
      .get('default')
      .getJobCounts('waiting', 'prioritized', 'active');
    expect(counts).toEqual({ waiting: 0, prioritized: 0, active: 0 });
  });
});
