import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { testRedisUrl, uniquePrefix } from '../../../../test/support/redis';
import { findHeldJobs, holderOf } from './held-jobs';
import { failedStacks } from './job-state-reads';
import { isBullLockError } from './lock-errors';
import {
  bullQueueKeys,
  delayedDueAt,
  isSchedulerJobId,
  JOB_FIELDS,
  META_PAUSED_FIELD,
} from './queue-keys';
import { QueueSelector } from './queue-selector';
import { releaseJob } from './release-job';
import { ADAPTED_BULLMQ_VERSION } from './version';

/** The installed bullmq's version, from its package.json (its exports map hides that file). */
function installedBullmqVersion(): string {
  for (let dir = dirname(require.resolve('bullmq')); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
    if (pkg.name === 'bullmq') return pkg.version;
  }
  throw new Error('bullmq package.json not found');
}

/**
 * Pins the adapter to BullMQ's private layout, on a real redis-server: what this folder assumes
 * of BullMQ is checked here, so an upgrade that changes it fails this spec, not production.
 */
describe('the BullMQ adapter against the installed BullMQ (real Redis)', () => {
  const connection = { url: testRedisUrl(), maxRetriesPerRequest: null };
  let prefix: string;
  let redis: Redis;
  const opened: Array<Queue | Worker> = [];

  const queue = (name: string) => {
    const q = new Queue(name, { connection, prefix });
    opened.push(q);
    return q;
  };
  const worker = (name: string) => {
    const w = new Worker(name, null, { connection, prefix, name: 'contract-host', autorun: false });
    opened.push(w);
    return w;
  };

  beforeEach(() => {
    prefix = uniquePrefix('bullmq-contract');
  });
  beforeAll(() => {
    redis = new Redis(testRedisUrl());
  });
  afterAll(async () => {
    await Promise.all(opened.map((o) => o.close()));
    redis.disconnect();
  });

  it('is the BullMQ version the adapter was written for', () => {
    expect(installedBullmqVersion()).toBe(ADAPTED_BULLMQ_VERSION);
  });

  it('names the keys as a real Queue does, and keeps a job in the hash it names', async () => {
    const q = queue('default');
    const keys = bullQueueKeys(prefix, 'default');
    // The queue's own names for its keys, as its scripts use them.
    const own: Record<string, string> = q.keys;
    const { job: jobKey, lock, waitingChildren, ...named } = keys;
    expect(Object.keys(named)).toHaveLength(10);
    for (const [name, key] of Object.entries(named)) expect([name, key]).toEqual([name, own[name]]);
    expect(waitingChildren).toBe(own['waiting-children']);
    expect(lock('7')).toBe(`${jobKey('7')}:lock`);

    const job = await q.add('tests.add', { x: 1 });
    expect(keys.job(job.id!)).toBe(q.toKey(job.id!));
    expect(await redis.hget(keys.job(job.id!), JOB_FIELDS.name)).toBe('tests.add');
    expect(await redis.lrange(keys.wait, 0, -1)).toEqual([job.id]);
    const [[, entries]] = (await redis.xread('STREAMS', keys.events, '0-0')) ?? [['', []]];
    expect(entries.map(([, fields]) => fields[fields.indexOf('event') + 1])).toContain('waiting');
  });

  it('scores a delayed job by its due time times the factor, and marks a paused queue in meta', async () => {
    const q = queue('slow');
    const keys = bullQueueKeys(prefix, 'slow');
    const job = await q.add('tests.add', {}, { delay: 60_000 });
    const score = Number(await redis.zscore(keys.delayed, job.id!));
    expect(delayedDueAt(score)).toBe(job.timestamp + 60_000);

    expect(await redis.hexists(keys.meta, META_PAUSED_FIELD)).toBe(0);
    await q.pause();
    expect(await redis.hexists(keys.meta, META_PAUSED_FIELD)).toBe(1);
    await q.resume();
    expect(await redis.hexists(keys.meta, META_PAUSED_FIELD)).toBe(0);
  });

  it('selects the highest queue with a ready job, skipping a paused one, and tells when a delayed one is due', async () => {
    const [high, low] = [queue('high'), queue('low')];
    const selector = new QueueSelector(redis, prefix, ['high', 'low']);
    expect(await selector.select(Date.now())).toEqual({
      index: 0,
      nextDelay: -1,
      lastIds: ['0-0', '0-0'],
    });

    const delayed = await high.add('tests.add', {}, { delay: 60_000 });
    await low.add('tests.add', {});
    const picked = await selector.select(Date.now());
    expect(picked).toMatchObject({ index: 2, nextDelay: delayed.timestamp + 60_000 });
    expect(picked.lastIds[0]).not.toBe('0-0');
    expect(await selector.select(delayed.timestamp + 60_000)).toMatchObject({ index: 1 });

    await high.add('tests.add', {});
    expect(await selector.select(Date.now())).toMatchObject({ index: 1 });
    await high.pause();
    expect(await selector.select(Date.now())).toMatchObject({ index: 2 });
  });

  it('gives a fetched job a lock holding the token, counts its start, names its worker', async () => {
    const q = queue('default');
    const keys = bullQueueKeys(prefix, 'default');
    const w = worker('default');
    await w.waitUntilReady();
    const sent = await q.add('tests.add', {});
    const job = await w.getNextJob('tag-a:1', { block: false });
    expect(job?.id).toBe(sent.id);
    expect(await redis.get(keys.lock(sent.id!))).toBe('tag-a:1');
    expect(await redis.hget(keys.job(sent.id!), JOB_FIELDS.processedBy)).toBe('contract-host');
    expect(await redis.hget(keys.job(sent.id!), JOB_FIELDS.attemptsStarted)).toBe('1');
    expect(await findHeldJobs(redis, prefix, 'default', 'tag-a')).toEqual([
      { jobId: sent.id, token: 'tag-a:1' },
    ]);
    expect(await findHeldJobs(redis, prefix, 'default', 'tag-b')).toEqual([]);
    expect(await holderOf(redis, prefix, ['high', 'default'], sent.id!)).toBe('tag-a:1');

    // Given back unstarted: waiting again, its start no longer counted.
    await releaseJob(job, 'tag-a:1', redis);
    expect(await redis.lrange(keys.wait, 0, -1)).toEqual([sent.id]);
    expect(await redis.hget(keys.job(sent.id!), JOB_FIELDS.attemptsStarted)).toBe('0');
  });

  it('refuses to end a job whose lock is gone, with the error the adapter recognizes', async () => {
    const q = queue('default');
    const keys = bullQueueKeys(prefix, 'default');
    const w = worker('default');
    await w.waitUntilReady();
    await q.add('tests.add', {});
    const job = await w.getNextJob('tag-a:1', { block: false });
    await redis.del(keys.lock(job.id!));
    const refused = await job.moveToCompleted('done', 'tag-a:1', false).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    expect(isBullLockError(refused)).toBe(true);

    await redis.set(keys.lock(job.id!), 'another:1');
    const mismatch = await job.moveToCompleted('done', 'tag-a:1', false).catch((e: unknown) => e);
    expect(isBullLockError(mismatch)).toBe(true);
    expect(isBullLockError(new Error('connection lost'))).toBe(false);
  });

  it('keeps a failed job’s stacks as a JSON list in its hash', async () => {
    const q = queue('default');
    const keys = bullQueueKeys(prefix, 'default');
    const w = worker('default');
    await w.waitUntilReady();
    await q.add('tests.add', {});
    const job = await w.getNextJob('tag-a:1', { block: false });
    const error = new Error('boom');
    error.stack = 'TaskRevokedError: terminated\n    at here';
    await job.moveToFailed(error, 'tag-a:1', false);
    const stacks = failedStacks(await redis.hget(keys.job(job.id!), JOB_FIELDS.stacktrace));
    expect(stacks).toEqual(['TaskRevokedError: terminated\n    at here']);
    expect(await redis.zscore(keys.failed, job.id!)).not.toBeNull();
  });

  it('gives a schedule’s next firing a scheduler job id', async () => {
    const q = queue('default');
    await q.upsertJobScheduler('beat:tick', { every: 60_000 }, { name: 'tests.add' });
    const pending = await q.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(pending).toHaveLength(1);
    expect(isSchedulerJobId(pending[0].id!)).toBe(true);
    expect(isSchedulerJobId('d0c5a1e2-task')).toBe(false);
  });

  it('still has the protected member the dispatcher turns raw job data into a Job with', () => {
    expect(typeof (Worker.prototype as unknown as Record<string, unknown>).nextJobFromJobData).toBe(
      'function',
    );
  });
});
