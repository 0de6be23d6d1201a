import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type INestApplicationContext, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SMTPServer } from 'smtp-server';
import type { DatabaseConfig } from '@brain/config';
import { OutboundOptionsModule } from '@brain/outbound';
import { SecretStore, StorageModule } from '@brain/storage';
import { TaskClient, TaskContext, TaskInputError, TasksModule } from '@brain/tasks';
import { dropTestDatabase, eachDialect } from '../../../../test/support/databases';
import { testRedisUrl, uniquePrefix } from '../../../../test/support/redis';
import { MissionStore } from '../missions/mission.store';
import { MissionsModule } from '../missions.module';
import { checkNotificationArgs } from './notification-args';
import { NotificationOutbox } from './notification-outbox';
import {
  NotificationDeliveryError,
  type NotificationResult,
  NotificationTasks,
  SEND_MISSION_NOTIFICATION,
  TransientNotificationError,
} from './notifications.tasks';
import { WEBHOOK_SECRET_NAME, WebhookSecrets } from './webhook-secret';

const MASTER_KEY = 'notifications-test-master-key-0123456789';

interface Mail {
  from: string;
  to: string[];
  data: string;
}

/** Unfolds headers and decodes RFC 2047 Q-words and the quoted-printable body: enough for tests. */
function decodeMail(raw: string): string {
  const hex = (text: string) =>
    text.replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  const [head, ...body] = raw.split(/\r?\n\r?\n/);
  const headers = head
    .replace(/\r?\n[ \t]+/g, ' ')
    .replace(/\?= =\?UTF-8\?Q\?/g, '')
    .replace(/=\?UTF-8\?Q\?(.*?)\?=/g, (_, q: string) => hex(q.replace(/_/g, ' ')));
  return `${headers}\n\n${hex(body.join('\n\n').replace(/=\r?\n/g, ''))}`;
}

interface Hook {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
}

describe('checkNotificationArgs', () => {
  const ok = { mission_id: 'm', status: 'completed', recipients: ['a@example.com'] };
  it('defaults to email and drops duplicate recipients', () => {
    expect(
      checkNotificationArgs({ ...ok, recipients: ['a@example.com', 'a@example.com'] }),
    ).toEqual({ ...ok, notification_type: 'email' });
  });
  it.each([
    [{ ...ok, recipients: 'a@example.com' }, 'recipients'],
    [{ ...ok, recipients: [] }, 'recipients'],
    [{ ...ok, recipients: ['a@example.com', 'not-an-email'] }, 'recipients[1]'],
    [{ ...ok, recipients: ['a b@example.com'] }, 'recipients[0]'],
    [{ ...ok, notification_type: 'webhook', recipients: ['ftp://x.example'] }, 'recipients[0]'],
    [{ ...ok, notification_type: 'webhook', recipients: ['a@example.com'] }, 'recipients[0]'],
    [{ ...ok, notification_type: 'sms' }, 'notification_type'],
    [{ ...ok, status: '' }, 'status'],
    // Free text would land in the subject, the email and the signed webhook body.
    [{ ...ok, status: 'completed. Click http://evil.example' }, 'status'],
    [{ ...ok, status: 'COMPLETED' }, 'status'],
    [{ ...ok, mission_id: 7 }, 'mission_id'],
  ])('refuses %j naming %s', (kwargs, field) => {
    expect(() => checkNotificationArgs(kwargs)).toThrow(TaskInputError);
    try {
      checkNotificationArgs(kwargs);
    } catch (err) {
      expect((err as TaskInputError).field).toBe(field);
    }
  });
});

describe.each(eachDialect)('send_mission_notification on %s', (dialect, newDatabase) => {
  let database: DatabaseConfig;
  let app: INestApplicationContext;
  let noSmtp: INestApplicationContext;
  let smtp: SMTPServer;
  let http: Server;
  let hookUrl: string;
  const mails: Mail[] = [];
  const hooks: Hook[] = [];
  let flakyCalls = 0;

  async function context(
    smtpUrl: string | undefined,
    masterKey = MASTER_KEY,
  ): Promise<INestApplicationContext> {
    @Module({
      imports: [
        TasksModule.forRoot({
          redisUrl: testRedisUrl(),
          prefix: uniquePrefix(`notify-${dialect}`),
        }),
        StorageModule.forRoot({ database, masterKey }),
        // As OUTBOUND_ALLOW would: the local webhook receiver, nothing else internal.
        OutboundOptionsModule.forRoot({ allow: new URL(hookUrl).host }),
        MissionsModule.forRoot({ smtpUrl, smtpFrom: 'BRAiN <brain@test.local>', timeoutMs: 3000 }),
      ],
    })
    class AppModule {}
    return NestFactory.createApplicationContext(AppModule, { logger: false });
  }

  beforeAll(async () => {
    database = await newDatabase(`notifications_${dialect}`);
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('bounce@')) {
          const err = Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 });
          return callback(err);
        }
        callback();
      },
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString()));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data: decodeMail(data),
          });
          callback(null, 'queued as test');
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const smtpPort = (smtp.server.address() as AddressInfo).port;

    http = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const path = req.url ?? '/';
        hooks.push({ path, headers: req.headers, raw });
        if (path === '/fail') return res.writeHead(500).end('boom');
        if (path === '/gone') return res.writeHead(410).end('gone');
        if (path === '/flaky') return res.writeHead(++flakyCalls === 1 ? 503 : 204).end();
        if (path === '/slow') {
          // Far past the 3 s timeout; the SMTP greeting must fit in it on a loaded machine.
          const timer = setTimeout(() => res.writeHead(200).end('late'), 20_000);
          res.on('close', () => clearTimeout(timer));
          return;
        }
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

    app = await context(`smtp://127.0.0.1:${smtpPort}`);
    noSmtp = await context(undefined);
  });

  afterAll(async () => {
    await noSmtp?.close();
    await app?.close();
    http?.closeAllConnections();
    await new Promise((r) => http?.close(r));
    await new Promise<void>((r) => (smtp ? smtp.close(r) : r()));
    await dropTestDatabase(database);
  });

  const send = (ctx: INestApplicationContext, kwargs: Record<string, unknown>) =>
    ctx.get(TaskClient).call<NotificationResult>(SEND_MISSION_NOTIFICATION, kwargs);

  async function failure(promise: Promise<unknown>): Promise<NotificationDeliveryError> {
    try {
      await promise;
    } catch (err) {
      return err as NotificationDeliveryError;
    }
    throw new Error('expected the task to fail');
  }

  async function newMission(name: string) {
    const store = app.get(MissionStore);
    const m = await store.create({ name });
    await store.start(m.id);
    await store.complete(m.id, { steps: [] });
    return m.id;
  }

  it('emails each recipient over SMTP and records the delivery', async () => {
    const id = await newMission('mail me');
    const result = await send(app, {
      mission_id: id,
      status: 'completed',
      recipients: ['ops@example.com', 'lead@example.com'],
    });
    expect(result).toEqual({
      notification_id: expect.any(Number),
      mission_id: id,
      notification_type: 'email',
      status: 'delivered',
      delivered: 2,
      undelivered: 0,
      failed: 0,
      recipients: [
        {
          recipient: 'ops@example.com',
          outcome: 'delivered',
          detail: expect.stringMatching(/^250 /),
        },
        {
          recipient: 'lead@example.com',
          outcome: 'delivered',
          detail: expect.stringMatching(/^250 /),
        },
      ],
    });
    const ours = mails.filter((m) => m.data.includes(id));
    expect(ours.map((m) => m.to)).toEqual([['ops@example.com'], ['lead@example.com']]);
    expect(ours[0].from).toBe('brain@test.local');
    expect(ours[0].data).toMatch(/^Subject: \[BRAiN\] Mission "mail me" completed$/m);
    const outbox = app.get(NotificationOutbox);
    expect(await outbox.get(result.notification_id)).toMatchObject({
      mission_id: id,
      notification_type: 'email',
      recipients: ['ops@example.com', 'lead@example.com'],
      subject: '[BRAiN] Mission "mail me" completed',
      status: 'delivered',
      reason: null,
      attempts: 2,
      delivered_at: expect.any(String),
    });
    expect(await outbox.attempts(result.notification_id)).toEqual([
      expect.objectContaining({ recipient: 'ops@example.com', outcome: 'delivered' }),
      expect.objectContaining({ recipient: 'lead@example.com', outcome: 'delivered' }),
    ]);
  });

  it('an address the SMTP server refuses is a failed attempt, not retried (5xx)', async () => {
    const id = await newMission('bounce');
    const err = await failure(
      send(app, { mission_id: id, status: 'failed', recipients: ['bounce@example.com'] }),
    );
    expect(err).toBeInstanceOf(NotificationDeliveryError);
    expect(err).not.toBeInstanceOf(TransientNotificationError);
    expect(err.result).toMatchObject({ status: 'failed', failed: 1, delivered: 0 });
    expect(await app.get(NotificationOutbox).get(err.result.notification_id)).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^bounce@example.com: 550 /),
      attempts: 1,
    });
  });

  it('without SMTP_URL an email is recorded undelivered with the reason, not an error', async () => {
    const id = await newMission('no smtp');
    const result = await send(noSmtp, {
      mission_id: id,
      status: 'completed',
      recipients: ['ops@example.com'],
      notification_type: 'email',
    });
    expect(result).toMatchObject({
      status: 'undelivered',
      delivered: 0,
      undelivered: 1,
      failed: 0,
      reason: 'SMTP_URL is not set',
      recipients: [
        { recipient: 'ops@example.com', outcome: 'undelivered', detail: 'SMTP_URL is not set' },
      ],
    });
    expect(await app.get(NotificationOutbox).get(result.notification_id)).toMatchObject({
      status: 'undelivered',
      reason: 'SMTP_URL is not set',
      attempts: 0,
      delivered_at: null,
    });
  });

  it('POSTs a signed JSON body to a webhook; the signature checks out with the stored secret', async () => {
    const id = await newMission('hook');
    const result = await send(app, {
      mission_id: id,
      status: 'completed',
      recipients: [`${hookUrl}/ok`],
      notification_type: 'webhook',
    });
    expect(result).toMatchObject({
      status: 'delivered',
      delivered: 1,
      recipients: [{ recipient: `${hookUrl}/ok`, outcome: 'delivered', detail: 'HTTP 200' }],
    });
    const hook = hooks.find((h) => h.path === '/ok' && h.raw.includes(id)) as Hook;
    const secret = (await app.get(SecretStore).get(WEBHOOK_SECRET_NAME)) as string;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const expected = `sha256=${createHmac('sha256', secret).update(hook.raw).digest('hex')}`;
    expect(hook.headers['x-brain-signature']).toBe(expected);
    expect(hook.headers['content-type']).toBe('application/json');
    const body = JSON.parse(hook.raw) as Record<string, unknown>;
    expect(body).toEqual({
      mission_id: id,
      status: 'completed',
      mission: expect.objectContaining({ id, name: 'hook', status: 'completed' }),
      sent_at: hook.headers['x-brain-timestamp'],
    });
    // The same secret next time: created once.
    await send(app, {
      mission_id: id,
      status: 'completed',
      recipients: [`${hookUrl}/ok`],
      notification_type: 'webhook',
    });
    expect(await app.get(SecretStore).get(WEBHOOK_SECRET_NAME)).toBe(secret);
  });

  it('after a rotation, signs with the new secret and, for the grace period, the previous one', async () => {
    const id = await newMission('rotated');
    const secrets = app.get(WebhookSecrets);
    const before = await secrets.current();
    const rotated = await secrets.rotate(3600);
    expect(rotated).toEqual({
      secret: expect.stringMatching(/^[0-9a-f]{64}$/),
      previous_secret: before,
      previous_valid_until: expect.any(String),
    });
    expect(rotated.secret).not.toBe(before);
    const sign = (secret: string, raw: string) =>
      `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
    const deliver = async (path: string) => {
      await send(app, {
        mission_id: id,
        status: 'completed',
        recipients: [`${hookUrl}${path}`],
        notification_type: 'webhook',
      });
      return hooks.find((h) => h.path === path) as Hook;
    };
    const during = await deliver('/ok?grace');
    expect(during.headers['x-brain-signature']).toBe(sign(rotated.secret, during.raw));
    expect(during.headers['x-brain-signature-previous']).toBe(sign(before, during.raw));

    // No grace: the old secret signs nothing any more.
    const immediate = await secrets.rotate(0);
    expect(immediate).toMatchObject({ previous_secret: null, previous_valid_until: null });
    const after = await deliver('/ok?immediate');
    expect(after.headers['x-brain-signature']).toBe(sign(immediate.secret, after.raw));
    expect(after.headers['x-brain-signature-previous']).toBeUndefined();
    await expect(secrets.rotate(-1)).rejects.toMatchObject({ field: 'grace_seconds' });
    await expect(secrets.rotate(8 * 86_400)).rejects.toMatchObject({ field: 'grace_seconds' });
  });

  it('with a wrong master key the secret does not open: the row fails with the reason, nothing is sent', async () => {
    await app.get(WebhookSecrets).current();
    const id = await newMission('wrong key');
    const wrongKey = await context(undefined, 'not-the-master-key-of-this-keyring-0123');
    try {
      const before = hooks.length;
      const err = await failure(
        send(wrongKey, {
          mission_id: id,
          status: 'completed',
          recipients: [`${hookUrl}/ok?wrong-key`],
          notification_type: 'webhook',
        }),
      );
      const reason = expect.stringMatching(
        /^not sent: cannot unwrap encryption key [0-9a-f-]+: BRAIN_MASTER_KEY is not the master key it was sealed with$/,
      );
      expect(err).toBeInstanceOf(NotificationDeliveryError);
      expect(err).not.toBeInstanceOf(TransientNotificationError);
      expect(err.result).toMatchObject({ status: 'failed', delivered: 0, undelivered: 1, reason });
      expect(await app.get(NotificationOutbox).forMission(id)).toEqual([
        expect.objectContaining({ status: 'failed', reason, attempts: 0 }),
      ]);
      expect(hooks.length).toBe(before);
    } finally {
      await wrongKey.close();
    }
  });

  it('a webhook at an internal address not allowlisted is refused without a request, not retried', async () => {
    const id = await newMission('hook refused');
    const before = hooks.length;
    // The receiver's own address, on another port: not what OUTBOUND_ALLOW names.
    const internal = `http://localhost:2/ok`;
    const metadata = 'http://169.254.169.254/latest/meta-data/';
    const err = await failure(
      send(app, {
        mission_id: id,
        status: 'failed',
        recipients: [internal, metadata],
        notification_type: 'webhook',
      }),
    );
    expect(err).not.toBeInstanceOf(TransientNotificationError);
    expect(err.result).toMatchObject({
      status: 'failed',
      failed: 2,
      recipients: [
        {
          outcome: 'failed',
          // localhost may resolve to either first, by the machine's hosts file.
          detail: expect.stringMatching(
            /^outbound call refused: localhost resolves to (?:127\.0\.0\.1|::1), a loopback address$/,
          ),
        },
        {
          outcome: 'failed',
          detail: 'outbound call refused: 169.254.169.254 is a link-local address',
        },
      ],
    });
    expect(hooks.length).toBe(before);
  });

  it('a webhook answering 500, 410 or timing out is a failed attempt, each recorded', async () => {
    const id = await newMission('hook fails');
    const err = await failure(
      send(app, {
        mission_id: id,
        status: 'failed',
        recipients: [`${hookUrl}/fail`, `${hookUrl}/slow`, `${hookUrl}/gone`, `${hookUrl}/ok`],
        notification_type: 'webhook',
      }),
    );
    expect(err).toBeInstanceOf(TransientNotificationError);
    expect(err.result).toMatchObject({
      status: 'failed',
      delivered: 1,
      failed: 3,
      recipients: [
        { outcome: 'failed', detail: 'HTTP 500' },
        { outcome: 'failed', detail: 'timed out after 3000 ms' },
        { outcome: 'failed', detail: 'HTTP 410' },
        { outcome: 'delivered', detail: 'HTTP 200' },
      ],
    });
    const outbox = app.get(NotificationOutbox);
    expect(await outbox.get(err.result.notification_id)).toMatchObject({
      status: 'failed',
      attempts: 4,
      reason: expect.stringContaining('HTTP 500'),
    });
    const attempts = await outbox.attempts(err.result.notification_id);
    expect(attempts.map((a) => [a.outcome, a.detail])).toEqual([
      ['failed', 'HTTP 500'],
      ['failed', 'timed out after 3000 ms'],
      ['failed', 'HTTP 410'],
      ['delivered', 'HTTP 200'],
    ]);
    expect(attempts[1].duration_ms).toBeGreaterThanOrEqual(450);
  });

  it('a retry continues the same outbox row and only resends to those who did not get it', async () => {
    const id = await newMission('retry');
    flakyCalls = 0;
    const tasks = app.get(NotificationTasks);
    const ctx = (retries: number) =>
      new TaskContext(
        'retry-task-1',
        SEND_MISSION_NOTIFICATION,
        'default',
        retries,
        3,
        new AbortController().signal,
        'test',
        new Logger('test'),
      );
    const kwargs = {
      mission_id: id,
      status: 'completed',
      recipients: [`${hookUrl}/ok?retry`, `${hookUrl}/flaky`],
      notification_type: 'webhook',
    };
    const first = await failure(tasks.sendMissionNotification(kwargs, ctx(0)));
    expect(first).toBeInstanceOf(TransientNotificationError);
    const second = await tasks.sendMissionNotification(kwargs, ctx(1));
    expect(second).toMatchObject({
      notification_id: first.result.notification_id,
      status: 'delivered',
      delivered: 2,
      recipients: [
        { outcome: 'delivered', detail: 'HTTP 200' },
        { outcome: 'delivered', detail: 'HTTP 204' },
      ],
    });
    expect(hooks.filter((h) => h.path === '/ok?retry')).toHaveLength(1);
    expect(flakyCalls).toBe(2);
    expect(await app.get(NotificationOutbox).forMission(id)).toEqual([
      expect.objectContaining({ status: 'delivered', attempts: 3, reason: null }),
    ]);
  });

  it('an unknown mission fails with a clear error; bad arguments are refused when sent', async () => {
    await expect(
      send(app, { mission_id: 'mission_nope', status: 'completed', recipients: ['a@example.com'] }),
    ).rejects.toThrow('No mission with id "mission_nope"');
    const client = app.get(TaskClient);
    for (const [kwargs, field] of [
      [{ mission_id: 'm', status: 'completed', recipients: 'a@example.com' }, 'recipients'],
      [{ mission_id: 'm', status: 'completed', recipients: [] }, 'recipients'],
      [{ mission_id: 'm', status: 'completed', recipients: ['nope'] }, 'recipients[0]'],
      [
        { mission_id: 'm', status: 'completed', recipients: ['a@b.c'], notification_type: 'sms' },
        'notification_type',
      ],
      [
        {
          mission_id: 'm',
          status: 'completed',
          recipients: ['javascript:alert(1)'],
          notification_type: 'webhook',
        },
        'recipients[0]',
      ],
    ] as const) {
      await expect(
        client.applyAsync(SEND_MISSION_NOTIFICATION, { kwargs: { ...kwargs } }),
      ).rejects.toMatchObject({ field });
    }
  });
});
