import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { authFailureLimitProvider } from '@brain/auth';
import { RedisConnection } from '@brain/tasks';
import { AUDIT_PROVIDERS, ApiKeySeeder, ApiExceptionFilter, RedisGate } from '@brain/http';
import { DashboardAuditController } from './audit/dashboard-audit.controller';
import { EventsController } from './monitor/events.controller';
import { MetaController } from './monitor/meta.controller';
import { SnapshotService } from './monitor/snapshot.service';
import { TaskFeed } from './monitor/task-feed.service';
import { DashboardQueuesController } from './queues/dashboard-queues.controller';
import { SessionController } from './session/session.controller';
import { SessionGuard } from './session/session.guard';
import { SessionService } from './session/session.service';
import { SessionStore } from './session/session.store';
import { DashboardTasksController } from './tasks/dashboard-tasks.controller';

/**
 * The monitoring UI's server: sessions opened with an API key, the live snapshot and task feed,
 * task and queue actions, the audit log for admins. The audit, error shape and admin key seeding
 * are the API's (libs/http).
 * Needs the engine and storage (imported by the app).
 */
@Module({
  controllers: [
    SessionController,
    MetaController,
    EventsController,
    DashboardTasksController,
    DashboardQueuesController,
    DashboardAuditController,
  ],
  providers: [
    // First: the audit sees every call before the session guard may refuse it.
    ...AUDIT_PROVIDERS,
    {
      provide: SessionStore,
      inject: [RedisConnection],
      useFactory: (redis: RedisConnection) => new SessionStore(redis.client, redis.prefix),
    },
    SessionService,
    authFailureLimitProvider,
    SnapshotService,
    TaskFeed,
    RedisGate,
    ApiKeySeeder,
    { provide: APP_GUARD, useClass: SessionGuard },
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
  ],
})
export class DashboardModule {}
