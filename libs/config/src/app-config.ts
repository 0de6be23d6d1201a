import { type DatabaseConfig, parseDatabaseUrl } from './database-url';
import {
  type EnvironmentVariables,
  type LogFormat,
  type LogLevelName,
  validate,
} from './env.validation';
import { type AuthRateLimit, parseAuthRateLimit } from './auth-rate-limit';
import { type OutboundAllowEntry, parseOutboundAllow } from './outbound-allow';
import { parseTrustProxy, type TrustProxy } from './trust-proxy';

/** Validated, typed application settings. */
export interface AppConfig {
  /** External Redis; undefined when REDIS_URL is unset. */
  readonly redisUrl: string | undefined;
  /** Durable sending: REDIS_MIN_REPLICAS_ACK replicas, waited for REDIS_REPLICAS_ACK_TIMEOUT_MS. */
  readonly replicaAck: { readonly replicas: number; readonly timeoutMs: number };
  /** REDIS_PARTITIONS: partitions new tasks are spread over (1 to 64). */
  readonly redisPartitions: number;
  /** REDIS_SENTINEL_PASSWORD: the sentinels' own password; the URL's when undefined. */
  readonly redisSentinelPassword: string | undefined;
  readonly databaseUrl: string;
  readonly database: DatabaseConfig;
  /** HTTP API port. */
  readonly port: number;
  /** Undefined when ADMIN_API_KEY is unset. */
  readonly adminApiKey: string | undefined;
  /** A viewer key for Prometheus; undefined when METRICS_API_KEY is unset. */
  readonly metricsApiKey: string | undefined;
  /** The keyring's master key; undefined when BRAIN_MASTER_KEY is unset. */
  readonly masterKey: string | undefined;
  /** Seconds a task result is kept. */
  readonly resultExpires: number;
  /** IANA time zone of schedules. */
  readonly timezone: string;
  /** Prefix of every Redis key. */
  readonly prefix: string;
  readonly dashboardPort: number;
  /** Notification emails go through it; undefined when SMTP_URL is unset. */
  readonly smtpUrl: string | undefined;
  /** The sender of notification emails. */
  readonly smtpFrom: string;
  /** The least severe level a process logs. */
  readonly logLevel: LogLevelName;
  readonly logFormat: LogFormat;
  /** OUTBOUND_ALLOW: internal addresses and hosts outbound calls may reach; none by default. */
  readonly outboundAllow: readonly OutboundAllowEntry[];
  /** TRUST_PROXY, as Express's `trust proxy` setting; false by default. */
  readonly trustProxy: TrustProxy;
  /** AUTH_RATE_LIMIT: failed authentications per client IP and window; null when off. */
  readonly authRateLimit: AuthRateLimit | null;
}

/** Maps validated variables onto {@link AppConfig}. */
export function toAppConfig(env: EnvironmentVariables): AppConfig {
  const database = parseDatabaseUrl(env.DATABASE_URL);
  if (!database) throw new Error('DATABASE_URL: not a supported database URL');
  return {
    redisUrl: env.REDIS_URL,
    replicaAck: {
      replicas: env.REDIS_MIN_REPLICAS_ACK,
      timeoutMs: env.REDIS_REPLICAS_ACK_TIMEOUT_MS,
    },
    redisPartitions: env.REDIS_PARTITIONS,
    redisSentinelPassword: env.REDIS_SENTINEL_PASSWORD,
    databaseUrl: env.DATABASE_URL,
    database,
    port: env.PORT,
    adminApiKey: env.ADMIN_API_KEY,
    metricsApiKey: env.METRICS_API_KEY,
    masterKey: env.BRAIN_MASTER_KEY,
    resultExpires: env.RESULT_EXPIRES,
    timezone: env.TZ,
    prefix: env.BRAIN_PREFIX,
    dashboardPort: env.DASHBOARD_PORT,
    smtpUrl: env.SMTP_URL,
    smtpFrom: env.SMTP_FROM,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    outboundAllow: parseOutboundAllow(env.OUTBOUND_ALLOW),
    trustProxy: parseTrustProxy(env.TRUST_PROXY) ?? false,
    authRateLimit: parseAuthRateLimit(env.AUTH_RATE_LIMIT) ?? null,
  };
}

/** Validates `env` and returns typed settings, without Nest (for the CLI and scripts). */
export function loadAppConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): AppConfig {
  return toAppConfig(validate(env));
}
