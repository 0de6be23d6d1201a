import { plainToInstance, Transform } from 'class-transformer';
import {
  IsNotEmpty,
  IsOptional,
  Matches,
  MinLength,
  ValidateBy,
  type ValidationError,
  validateSync,
} from 'class-validator';
import { parseRedisUrl, RedisUrlError } from '@brain/tasks';
import { parseDatabaseUrl } from './database-url';
import { DEFAULT_AUTH_RATE_LIMIT, isAuthRateLimit } from './auth-rate-limit';
import { isOutboundAllow } from './outbound-allow';
import { isTrustProxy } from './trust-proxy';

/** A validator with a fixed message; messages never quote the value, which may be a secret. */
function Check(
  name: string,
  test: (value: unknown) => boolean,
  message: string,
): PropertyDecorator {
  return ValidateBy({ name, validator: { validate: test, defaultMessage: () => message } });
}

function isIntegerIn(min: number, max: number): (value: unknown) => boolean {
  return (value) => Number.isSafeInteger(value) && Number(value) >= min && Number(value) <= max;
}

/** Digits only become a number; anything else is left as is for the validator to reject. */
function toInteger({ value }: { value: unknown }): unknown {
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
}

/** `INFO` and `info` alike: operators type either. */
function toLowerCase({ value }: { value: unknown }): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

function isOneOf(values: readonly string[]): (value: unknown) => boolean {
  return (value) => typeof value === 'string' && values.includes(value);
}

/** What a process logs: errors only, warnings too, what an operator follows (info), or all. */
export const LOG_LEVEL_NAMES = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevelName = (typeof LOG_LEVEL_NAMES)[number];

/** Nest's human-readable lines, or one JSON object a line for log shippers. */
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

function parseUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * Why REDIS_URL is refused (the engine's own parser, so that start-up and the connection factory
 * read it alike), or undefined when it is fine. Never quotes the URL: it may hold a password.
 */
function redisUrlProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  try {
    parseRedisUrl(value);
    return undefined;
  } catch (err) {
    if (err instanceof RedisUrlError) return err.message;
    throw err;
  }
}

function isSmtpUrl(value: unknown): boolean {
  const url = parseUrl(value);
  return (
    url !== undefined &&
    (url.protocol === 'smtp:' || url.protocol === 'smtps:') &&
    url.hostname !== '' &&
    (url.pathname === '' || url.pathname === '/')
  );
}

/** `user@host` or `Name <user@host>`. */
function isMailbox(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    /^([^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/.test(value.trim())
  );
}

function isDatabaseUrl(value: unknown): boolean {
  return typeof value === 'string' && parseDatabaseUrl(value) !== undefined;
}

function isIanaTimeZone(value: unknown): boolean {
  if (typeof value !== 'string' || !/^[A-Za-z]/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** Keys given in the environment are chosen by people: at least as long as the ones we make. */
const SEEDED_KEY_MIN_LENGTH = 32;
const SEEDED_KEY_MESSAGE = `must be at least ${SEEDED_KEY_MIN_LENGTH} characters long (make one with: openssl rand -hex 24)`;

/** The environment variables BRAiN Tasks reads, with their defaults. */
export class EnvironmentVariables {
  /**
   * redis[s]://[[user]:password@]host[:port][/db], or a Sentinel group
   * redis[s]-sentinel://[[user]:password@]h1:26379,h2:26379/MASTER_NAME[/db], or a Cluster
   * redis[s]-cluster://[[user]:password@]h1:7000,h2:7001; unset means "no external Redis".
   */
  @IsOptional()
  @ValidateBy({
    name: 'isRedisUrl',
    validator: {
      validate: (value) => redisUrlProblem(value) === undefined,
      defaultMessage: (args) => redisUrlProblem(args?.value) ?? 'is not a Redis URL',
    },
  })
  REDIS_URL?: string;

  /** Durable sending: replicas that must hold each sent task (Redis WAIT) before it is acknowledged. */
  @Transform(toInteger)
  @Check('isReplicaCount', isIntegerIn(0, 100), 'must be a whole number of replicas from 0 to 100')
  REDIS_MIN_REPLICAS_ACK: number = 0;

  /** How long a durable send waits for its replicas before it fails. */
  @Transform(toInteger)
  @Check(
    'isAckTimeout',
    isIntegerIn(1, 60_000),
    'must be a whole number of milliseconds from 1 to 60000',
  )
  REDIS_REPLICAS_ACK_TIMEOUT_MS: number = 1000;

  /** Partitions new tasks are spread over, each under its own key prefix (hash tag on a Cluster). */
  @Transform(toInteger)
  @Check(
    'isPartitionCount',
    isIntegerIn(1, 64),
    'must be a whole number of partitions from 1 to 64',
  )
  REDIS_PARTITIONS: number = 1;
  /** The sentinels' password, when not the data nodes' (those of REDIS_URL). */
  @IsOptional()
  @IsNotEmpty()
  REDIS_SENTINEL_PASSWORD?: string;

  @Check(
    'isDatabaseUrl',
    isDatabaseUrl,
    'must be sqlite:///abs/path.db, sqlite://relative/path.db or postgres://user:pass@host:5432/db',
  )
  DATABASE_URL: string = 'sqlite://var/brain.db';

  @Transform(toInteger)
  @Check('isPort', isIntegerIn(1, 65535), 'must be an integer from 1 to 65535')
  PORT: number = 8000;

  /** Seeded as an admin key: long enough that guessing it is hopeless, even unthrottled. */
  @IsOptional()
  @MinLength(SEEDED_KEY_MIN_LENGTH, { message: SEEDED_KEY_MESSAGE })
  ADMIN_API_KEY?: string;

  /** A key seeded with the viewer role, for Prometheus to scrape /metrics with. */
  @IsOptional()
  @MinLength(SEEDED_KEY_MIN_LENGTH, { message: SEEDED_KEY_MESSAGE })
  METRICS_API_KEY?: string;

  /** The keyring's master key (key-encryption key); unset: secrets cannot be sealed or opened. */
  @IsOptional()
  @MinLength(32, { message: 'must be at least 32 characters long' })
  BRAIN_MASTER_KEY?: string;

  /** Seconds a task result is kept. */
  @Transform(toInteger)
  @Check(
    'isPositiveInteger',
    isIntegerIn(1, Number.MAX_SAFE_INTEGER),
    'must be a whole number of seconds greater than 0',
  )
  RESULT_EXPIRES: number = 3600;

  @Check('isIanaTimeZone', isIanaTimeZone, 'must be an IANA time zone such as UTC or Europe/Berlin')
  TZ: string = 'UTC';

  /** Prefix of every Redis key. */
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'may contain only letters, digits, "_" and "-"' })
  BRAIN_PREFIX: string = 'brain';

  @Transform(toInteger)
  @Check('isPort', isIntegerIn(1, 65535), 'must be an integer from 1 to 65535')
  DASHBOARD_PORT: number = 5555;

  /** Addresses the API and the dashboard listen on. */
  @IsOptional()
  @IsNotEmpty({ message: 'must not be empty' })
  API_HOST?: string;

  @IsOptional()
  @IsNotEmpty({ message: 'must not be empty' })
  DASHBOARD_HOST?: string;

  /** smtp[s]://[user:password@]host[:port] for email notifications; unset: recorded undelivered. */
  @IsOptional()
  @Check(
    'isSmtpUrl',
    isSmtpUrl,
    'must be an smtp:// or smtps:// URL such as smtps://user:password@mail.example:465',
  )
  SMTP_URL?: string;

  /** The sender of notification emails. */
  @Check('isMailbox', isMailbox, 'must be an address such as brain@example.com or Name <a@b.c>')
  SMTP_FROM: string = 'brain@localhost';

  @Transform(toLowerCase)
  @Check('isLogLevel', isOneOf(LOG_LEVEL_NAMES), `must be one of ${LOG_LEVEL_NAMES.join(', ')}`)
  LOG_LEVEL: LogLevelName = 'info';

  @Transform(toLowerCase)
  @Check('isLogFormat', isOneOf(LOG_FORMATS), `must be one of ${LOG_FORMATS.join(', ')}`)
  LOG_FORMAT: LogFormat = 'text';

  /** What outbound calls (mission steps, agents, webhooks) may reach although internal. */
  @IsOptional()
  @Check(
    'isOutboundAllow',
    isOutboundAllow,
    'must be comma-separated CIDRs, IPs or host names, each optionally with :port, such as 10.20.0.0/16,agents.internal:8080',
  )
  OUTBOUND_ALLOW?: string;

  /** Which proxies in front of the API and UI to believe about the client (Express `trust proxy`). */
  @IsOptional()
  @Check(
    'isTrustProxy',
    isTrustProxy,
    'must be false, true, a number of proxy hops, or comma-separated CIDRs, IPs, loopback, linklocal, uniquelocal',
  )
  TRUST_PROXY?: string;

  /** Failed authentications allowed per client IP and window: `N/SECONDS`, or `off`. */
  @Check(
    'isAuthRateLimit',
    isAuthRateLimit,
    'must be N/SECONDS (failed authentications per client IP and window, such as 10/60) or off',
  )
  AUTH_RATE_LIMIT: string = DEFAULT_AUTH_RATE_LIMIT;
}

/** Every variable above; the type makes the compiler flag one that is missing here. */
const VARIABLES: Record<keyof EnvironmentVariables, true> = {
  REDIS_URL: true,
  REDIS_MIN_REPLICAS_ACK: true,
  REDIS_REPLICAS_ACK_TIMEOUT_MS: true,
  REDIS_PARTITIONS: true,
  REDIS_SENTINEL_PASSWORD: true,
  DATABASE_URL: true,
  PORT: true,
  ADMIN_API_KEY: true,
  METRICS_API_KEY: true,
  BRAIN_MASTER_KEY: true,
  RESULT_EXPIRES: true,
  TZ: true,
  BRAIN_PREFIX: true,
  DASHBOARD_PORT: true,
  API_HOST: true,
  DASHBOARD_HOST: true,
  SMTP_URL: true,
  SMTP_FROM: true,
  LOG_LEVEL: true,
  LOG_FORMAT: true,
  OUTBOUND_ALLOW: true,
  TRUST_PROXY: true,
  AUTH_RATE_LIMIT: true,
};

function describe(errors: ValidationError[]): string {
  const lines = errors.map(
    (error) => `  - ${error.property}: ${Object.values(error.constraints ?? {}).join('; ')}`,
  );
  return `Invalid environment configuration:\n${lines.join('\n')}`;
}

/**
 * Validates and converts the environment; for `ConfigModule.forRoot({ validate })`.
 * Unset and empty variables take their defaults. Throws one Error naming every bad variable;
 * the message never contains a value.
 */
export function validate(config: Record<string, unknown>): EnvironmentVariables {
  const plain: Record<string, unknown> = {};
  for (const key of Object.keys(VARIABLES)) {
    const value = config[key];
    if (value !== undefined && value !== '') plain[key] = value;
  }
  const env = plainToInstance(EnvironmentVariables, plain);
  const errors = validateSync(env, {
    stopAtFirstError: true,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) throw new Error(describe(errors));
  return env;
}
