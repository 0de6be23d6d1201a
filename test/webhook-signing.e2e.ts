import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseConfig } from '@brain/config';
import { createDatabase } from '@brain/storage';
import { ApiProcess, databaseUrl } from './support/api-process';
import { type CliResult, expectOneLineError, runBrain } from './support/brain-cli';
import { BrainProcess } from './support/brain-process';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';
import { waitFor } from './support/wait';

const SEND_NOTIFICATION = 'backend.app.tasks.mission_tasks.send_mission_notification';
const KEY_A = 'webhook-e2e-master-key-A-0123456789abcdef';
const KEY_B = 'webhook-e2e-master-key-B-0123456789abcdef';
const KEY_C = 'webhook-e2e-master-key-C-0123456789abcdef';

interface Hook {
  headers: IncomingHttpHeaders;
  body: string;
}

interface SecretView {
  secret: string;
  previous_secret: string | null;
  previous_valid_until: string | null;
}

const sign = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('webhook signing: status, the secret, a wrong master key and re-wrapping (real API, worker, CLI)', () => {
  const prefix = uniquePrefix('webhook-signing');
  let database: DatabaseConfig;
  let api: ApiProcess;
  let worker: BrainProcess;
  let hook: Server;
  let hookUrl: string;
  let outboundAllow: string;
  let operatorKey: string;
  let dir: string;
  const hooks: Hook[] = [];

  const brain = (args: string[], masterKey: string): Promise<CliResult> =>
    runBrain(prefix, args, { DATABASE_URL: databaseUrl(database), BRAIN_MASTER_KEY: masterKey });

  const startWorker = (masterKey: string) =>
    BrainProcess.worker(prefix, ['--queue', 'missions', '--hostname', 'hook-worker'], false, {
      DATABASE_URL: databaseUrl(database),
      BRAIN_MASTER_KEY: masterKey,
      OUTBOUND_ALLOW: outboundAllow,
    });

  const taskStatus = (id: string, states: string[]) =>
    waitFor(
      async () => {
        const s = (await api.as().get(`/api/tasks/${id}`)).body as Record<string, unknown>;
        return states.includes(s.status as string) ? s : undefined;
      },
      `task ${id} to reach ${states.join('/')}`,
    );

  /** A mission that notifies the receiver when it ends; the notification task's final record. */
  async function notifiedMission(
    state: 'SUCCESS' | 'FAILURE',
  ): Promise<{ id: string; task: Record<string, unknown> }> {
    const res = await api
      .as()
      .post('/api/missions')
      .send({
        name: 'signed',
        payload: { notify: { recipients: [hookUrl], notification_type: 'webhook' } },
      })
      .expect(201);
    const { id, task_id } = res.body as { id: string; task_id: string };
    const processed = await taskStatus(task_id, ['SUCCESS']);
    const sent = (processed.result as { notification_task_id: string }).notification_task_id;
    return { id, task: await taskStatus(sent, [state]) };
  }

  const received = (missionId: string) =>
    waitFor(
      async () => hooks.find((h) => h.body.includes(missionId)),
      `the webhook of ${missionId}`,
    );

  beforeAll(async () => {
    database = await testSqliteConfig('webhook-signing');
    dir = mkdtempSync(join(tmpdir(), 'brain-keys-'));
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        hooks.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const port = (hook.address() as AddressInfo).port;
    hookUrl = `http://127.0.0.1:${port}/hook`;
    // The receiver is internal (loopback): allowed on purpose, that address and port only.
    outboundAllow = `127.0.0.1:${port}`;
    [api, worker] = await Promise.all([
      ApiProcess.start(prefix, database, {
        BRAIN_MASTER_KEY: KEY_A,
        OUTBOUND_ALLOW: outboundAllow,
      }),
      startWorker(KEY_A),
    ]);
    const made = await api.as().post('/api/keys').send({ name: 'ops', role: 'operator' });
    operatorKey = made.body.secret as string;
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    hook?.closeAllConnections();
    await new Promise((r) => hook?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (database) await dropTestDatabase(database);
  });

  it('refuses a status that is not a mission status: 400 naming `status`', async () => {
    const res = await api
      .as()
      .post('/api/tasks/execute')
      .send({
        task_name: SEND_NOTIFICATION,
        kwargs: {
          mission_id: 'm',
          status: 'completed. Log in at http://evil.example to see it',
          recipients: [hookUrl],
          notification_type: 'webhook',
        },
      })
      .expect(400);
    expect(res.body).toMatchObject({
      field: 'status',
      message: expect.stringMatching(
        /^status must be a mission status \(pending, running, completed, failed\)/,
      ),
    });
  });

  it('lets an admin read and rotate the secret (not an operator); webhooks verify with it', async () => {
    await api.as(operatorKey).get('/api/notifications/webhook-secret').expect(403);
    await api.as(operatorKey).post('/api/notifications/webhook-secret/rotate').expect(403);
    const read = await api.as().get('/api/notifications/webhook-secret').expect(200);
    expect(read.headers['cache-control']).toBe('no-store');
    const first = read.body as SecretView;
    expect(first).toEqual({
      secret: expect.stringMatching(/^[0-9a-f]{64}$/),
      previous_secret: null,
      previous_valid_until: null,
    });

    const before = await notifiedMission('SUCCESS');
    const signed = await received(before.id);
    expect(signed.headers['x-brain-signature']).toBe(sign(first.secret, signed.body));
    expect(signed.headers['x-brain-signature-previous']).toBeUndefined();

    const bad = await api
      .as()
      .post('/api/notifications/webhook-secret/rotate')
      .send({ grace_seconds: -1 })
      .expect(400);
    expect(bad.body.field).toBe('grace_seconds');
    const rotated = (
      await api
        .as()
        .post('/api/notifications/webhook-secret/rotate')
        .send({ grace_seconds: 3600 })
        .expect(200)
    ).body as SecretView;
    expect(rotated).toMatchObject({ previous_secret: first.secret });
    expect(rotated.secret).not.toBe(first.secret);
    const after = await notifiedMission('SUCCESS');
    const both = await received(after.id);
    expect(both.headers['x-brain-signature']).toBe(sign(rotated.secret, both.body));
    expect(both.headers['x-brain-signature-previous']).toBe(sign(first.secret, both.body));

    // Reads and rotations are audited; the secret is in no entry.
    const storage = createDatabase(database);
    try {
      const entries = await storage.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', 'like', 'webhook_secret.%')
        .execute();
      expect(entries.map((e) => [e.action, e.status])).toEqual(
        expect.arrayContaining([
          ['webhook_secret.read', 200],
          ['webhook_secret.rotate', 400],
          ['webhook_secret.rotate', 200],
        ]),
      );
      expect(JSON.stringify(entries)).not.toContain(first.secret);
      expect(JSON.stringify(entries)).not.toContain(rotated.secret);
    } finally {
      await storage.close();
    }
  });

  it('with a wrong master key, the notification fails with the reason instead of staying pending', async () => {
    await worker.stop();
    worker = await startWorker(KEY_B);
    const before = hooks.length;
    const { id, task } = await notifiedMission('FAILURE');
    const reason =
      /not sent: cannot unwrap encryption key [0-9a-f-]+: BRAIN_MASTER_KEY is not the master key it was sealed with/;
    expect((task.error as { message: string }).message).toMatch(reason);
    const storage = createDatabase(database);
    try {
      const rows = await storage.db
        .selectFrom('notification_outbox')
        .select(['status', 'reason', 'attempts'])
        .where('mission_id', '=', id)
        .execute();
      expect(rows).toEqual([
        { status: 'failed', reason: expect.stringMatching(reason), attempts: 0 },
      ]);
    } finally {
      await storage.close();
    }
    expect(hooks.length).toBe(before);
  });

  it('brain keys rewrap moves the keyring to the new master key: deliveries sign again', async () => {
    const fileA = join(dir, 'key-a');
    const fileC = join(dir, 'key-c');
    writeFileSync(fileA, `${KEY_A}\n`, { mode: 0o600 });
    writeFileSync(fileC, `${KEY_C}\n`, { mode: 0o600 });

    expectOneLineError(
      await brain(['keys', 'rewrap', '--old-key-file', join(dir, 'nope')], KEY_B),
      2,
      /^brain: --old-key-file: cannot read .*nope: no such file$/,
    );
    expectOneLineError(
      await brain(['keys', 'rewrap', '--old-key-file', fileC], KEY_B),
      2,
      /^brain: the old master key opens none of the 1 encryption keys \(.*\): nothing changed$/,
    );
    const done = await brain(['keys', 'rewrap', '--old-key-file', fileA], KEY_B);
    expect([done.code, done.stderr]).toEqual([0, '']);
    expect(done.stdout).toMatch(
      /^re-wrapped 1 encryption key\(s\) with BRAIN_MASTER_KEY; 0 already were$/m,
    );
    const again = await brain(['keys', 'rewrap', '--old-key-file', fileA, '--json'], KEY_B);
    expect(JSON.parse(again.stdout)).toEqual({
      rewrapped_key_ids: [],
      current_key_ids: [expect.any(String)],
    });

    // The worker (already on the new key) signs again, with the secret the CLI reads.
    const { id } = await notifiedMission('SUCCESS');
    const signed = await received(id);
    const read = await brain(['keys', 'webhook-secret', '--json'], KEY_B);
    expect(read.code).toBe(0);
    const view = JSON.parse(read.stdout) as SecretView;
    expect(signed.headers['x-brain-signature']).toBe(sign(view.secret, signed.body));

    const storage = createDatabase(database);
    try {
      const audited = await storage.db
        .selectFrom('audit_log')
        .select(['action', 'principal'])
        .where('action', 'in', ['keys.rewrap', 'webhook_secret.read'])
        .where('principal', 'like', 'cli%')
        .execute();
      expect(audited.map((a) => a.action).sort()).toEqual([
        'keys.rewrap',
        'keys.rewrap',
        'webhook_secret.read',
      ]);
    } finally {
      await storage.close();
    }
  });
});
