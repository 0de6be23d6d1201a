import {
  type DynamicModule,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type Type,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { authFailureLimitProvider } from '@brain/auth';
import { OutboundModule } from '@brain/outbound';
import { appImports } from '@brain/runtime';
import { AUDIT_PROVIDERS, ApiKeySeeder, ApiExceptionFilter, RedisGate } from '@brain/http';
import { AuditController } from './audit/audit.controller';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeysController } from './auth/api-keys.controller';
import { DatabaseHealthIndicator } from './health/database.health';
import { HealthController } from './health/health.controller';
import { RedisHealthIndicator } from './health/redis.health';
import { MetricsModule } from './metrics/metrics.module';
import { RequestMetricsMiddleware } from './metrics/request-metrics.middleware';
import { RegisteredTasksController } from './tasks/registered-tasks.controller';
import { TasksController } from './tasks/tasks.controller';
import { AgentsController } from './agents/agents.controller';
import { MissionsController } from './missions/missions.controller';
import { WebhookSecretController } from './notifications/webhook-secret.controller';

/**
 * The HTTP API: it knows every task (to validate what it sends) but runs none. Its Redis
 * connections fail fast, so that an outage is a 503, not a hang.
 */
@Module({})
export class ApiAppModule implements NestModule {
  static register(includes: Type[] = []): DynamicModule {
    return {
      module: ApiAppModule,
      imports: appImports([TerminusModule, OutboundModule, MetricsModule.register()], includes, {
        failFast: true,
      }),
      controllers: [
        RegisteredTasksController,
        TasksController,
        ApiKeysController,
        HealthController,
        AgentsController,
        MissionsController,
        WebhookSecretController,
        AuditController,
      ],
      providers: [
        // First: the audit sees every call before a guard may refuse it.
        ...AUDIT_PROVIDERS,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        RedisGate,
        ApiKeySeeder,
        authFailureLimitProvider,
        RedisHealthIndicator,
        DatabaseHealthIndicator,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestMetricsMiddleware).forRoutes('*');
  }
}
