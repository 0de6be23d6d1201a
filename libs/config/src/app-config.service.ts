import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type AppConfig, toAppConfig } from './app-config';
import type { DatabaseConfig } from './database-url';
import type { EnvironmentVariables } from './env.validation';
import type { AuthRateLimit } from './auth-rate-limit';
import type { OutboundAllowEntry } from './outbound-allow';
import type { TrustProxy } from './trust-proxy';

/** Typed access to the validated configuration; import BrainConfigModule.forRoot() once. */
@Injectable()
export class AppConfigService {
  /** Every setting at once. */
  readonly all: AppConfig;

  constructor(config: ConfigService<EnvironmentVariables, true>) {
    this.all = toAppConfig({
      REDIS_URL: config.get('REDIS_URL', { infer: true }),
      REDIS_MIN_REPLICAS_ACK: config.get('REDIS_MIN_REPLICAS_ACK', { infer: true }),
      REDIS_REPLICAS_ACK_TIMEOUT_MS: config.get('REDIS_REPLICAS_ACK_TIMEOUT_MS', { infer: true }),
      REDIS_PARTITIONS: config.get('REDIS_PARTITIONS', { infer: true }),
      REDIS_SENTINEL_PASSWORD: config.get('REDIS_SENTINEL_PASSWORD', { infer: true }),
      DATABASE_URL: config.get('DATABASE_URL', { infer: true }),
      PORT: config.get('PORT', { infer: true }),
      ADMIN_API_KEY: config.get('ADMIN_API_KEY', { infer: true }),
      METRICS_API_KEY: config.get('METRICS_API_KEY', { infer: true }),
      BRAIN_MASTER_KEY: config.get('BRAIN_MASTER_KEY', { infer: true }),
      RESULT_EXPIRES: config.get('RESULT_EXPIRES', { infer: true }),
      TZ: config.get('TZ', { infer: true }),
      BRAIN_PREFIX: config.get('BRAIN_PREFIX', { infer: true }),
      DASHBOARD_PORT: config.get('DASHBOARD_PORT', { infer: true }),
      SMTP_URL: config.get('SMTP_URL', { infer: true }),
      SMTP_FROM: config.get('SMTP_FROM', { infer: true }),
      LOG_LEVEL: config.get('LOG_LEVEL', { infer: true }),
      LOG_FORMAT: config.get('LOG_FORMAT', { infer: true }),
      OUTBOUND_ALLOW: config.get('OUTBOUND_ALLOW', { infer: true }),
      TRUST_PROXY: config.get('TRUST_PROXY', { infer: true }),
      AUTH_RATE_LIMIT: config.get('AUTH_RATE_LIMIT', { infer: true }),
    });
  }

  get redisUrl(): string | undefined {
    return this.all.redisUrl;
  }

  get replicaAck(): AppConfig['replicaAck'] {
    return this.all.replicaAck;
  }

  /** REDIS_PARTITIONS (1 by default). */
  get redisPartitions(): number {
    return this.all.redisPartitions;
  }

  get redisSentinelPassword(): string | undefined {
    return this.all.redisSentinelPassword;
  }

  get databaseUrl(): string {
    return this.all.databaseUrl;
  }

  get database(): DatabaseConfig {
    return this.all.database;
  }

  get port(): number {
    return this.all.port;
  }

  get adminApiKey(): string | undefined {
    return this.all.adminApiKey;
  }

  get metricsApiKey(): string | undefined {
    return this.all.metricsApiKey;
  }

  get masterKey(): string | undefined {
    return this.all.masterKey;
  }

  get resultExpires(): number {
    return this.all.resultExpires;
  }

  get timezone(): string {
    return this.all.timezone;
  }

  get prefix(): string {
    return this.all.prefix;
  }

  get dashboardPort(): number {
    return this.all.dashboardPort;
  }

  get smtpUrl(): string | undefined {
    return this.all.smtpUrl;
  }

  get smtpFrom(): string {
    return this.all.smtpFrom;
  }

  get outboundAllow(): readonly OutboundAllowEntry[] {
    return this.all.outboundAllow;
  }

  get trustProxy(): TrustProxy {
    return this.all.trustProxy;
  }

  get authRateLimit(): AuthRateLimit | null {
    return this.all.authRateLimit;
  }
}
