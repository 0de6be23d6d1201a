import { loadAppConfig } from './app-config';
import { validate } from './env.validation';

function failure(env: Record<string, string>): string {
  try {
    validate(env);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected validation to fail');
}

describe('validate', () => {
  it('applies the defaults to an empty environment', () => {
    expect(loadAppConfig({})).toEqual({
      redisUrl: undefined,
      replicaAck: { replicas: 0, timeoutMs: 1000 },
      redisPartitions: 1,
      redisSentinelPassword: undefined,
      databaseUrl: 'sqlite://var/brain.db',
      database: { kind: 'sqlite', path: 'var/brain.db' },
      port: 8000,
      adminApiKey: undefined,
      metricsApiKey: undefined,
      masterKey: undefined,
      resultExpires: 3600,
      timezone: 'UTC',
      prefix: 'brain',
      dashboardPort: 5555,
      smtpUrl: undefined,
      smtpFrom: 'brain@localhost',
      logLevel: 'info',
      logFormat: 'text',
      outboundAllow: [],
      trustProxy: false,
      authRateLimit: { failures: 10, windowSeconds: 60 },
    });
  });

  it('treats empty variables as unset and ignores unrelated ones', () => {
    expect(
      loadAppConfig({ PORT: '', ADMIN_API_KEY: '', BRAIN_MASTER_KEY: '', HOME: '/root' }),
    ).toMatchObject({
      port: 8000,
      adminApiKey: undefined,
      masterKey: undefined,
    });
  });

  it('converts and returns valid values', () => {
    const config = loadAppConfig({
      REDIS_URL: 'rediss://:s3cret@redis.example:6380/2',
      REDIS_MIN_REPLICAS_ACK: '1',
      REDIS_REPLICAS_ACK_TIMEOUT_MS: '250',
      REDIS_PARTITIONS: '3',
      DATABASE_URL: 'postgresql://brain:pw@db:5432/brain',
      PORT: '8080',
      ADMIN_API_KEY: '0123456789abcdef0123456789abcdef',
      METRICS_API_KEY: 'metrics-0123456789-0123456789-01',
      BRAIN_MASTER_KEY: 'master-key-of-exactly-32-chars!!',
      RESULT_EXPIRES: '60',
      TZ: 'Europe/Berlin',
      BRAIN_PREFIX: 'brain_test-1',
      DASHBOARD_PORT: '65535',
      SMTP_URL: 'smtps://mailer:smtp-pw@mail.example:465',
      SMTP_FROM: 'BRAiN <brain@example.com>',
      LOG_LEVEL: 'DEBUG',
      LOG_FORMAT: 'json',
      OUTBOUND_ALLOW: '127.0.0.1:8080',
      TRUST_PROXY: 'loopback, 10.0.0.0/8',
      AUTH_RATE_LIMIT: '5/300',
    });
    expect(config).toEqual({
      redisUrl: 'rediss://:s3cret@redis.example:6380/2',
      replicaAck: { replicas: 1, timeoutMs: 250 },
      redisPartitions: 3,
      redisSentinelPassword: undefined,
      databaseUrl: 'postgresql://brain:pw@db:5432/brain',
      database: { kind: 'postgres', url: 'postgresql://brain:pw@db:5432/brain' },
      port: 8080,
      adminApiKey: '0123456789abcdef0123456789abcdef',
      metricsApiKey: 'metrics-0123456789-0123456789-01',
      masterKey: 'master-key-of-exactly-32-chars!!',
      resultExpires: 60,
      timezone: 'Europe/Berlin',
      prefix: 'brain_test-1',
      dashboardPort: 65535,
      smtpUrl: 'smtps://mailer:smtp-pw@mail.example:465',
      smtpFrom: 'BRAiN <brain@example.com>',
      logLevel: 'debug',
      logFormat: 'json',
      outboundAllow: [expect.objectContaining({ kind: 'addresses', port: 8080 })],
      trustProxy: ['loopback', '10.0.0.0/8'],
      authRateLimit: { failures: 5, windowSeconds: 300 },
    });
  });

  it('reads OUTBOUND_ALLOW: CIDRs, IPs and host names, each with an optional port', () => {
    const entries = loadAppConfig({
      OUTBOUND_ALLOW:
        '10.20.0.0/16, 127.0.0.1:8080,::1,[::1]:9000, fd00::/8, Agents.Internal., localhost:3000,::ffff:10.0.0.1',
    }).outboundAllow;
    expect(
      entries.map((e) =>
        e.kind === 'host'
          ? ['host', e.host, e.port]
          : ['addresses', `${e.range[0].toString()}/${e.range[1]}`, e.port],
      ),
    ).toEqual([
      ['addresses', '10.20.0.0/16', undefined],
      ['addresses', '127.0.0.1/32', 8080],
      ['addresses', '::1/128', undefined],
      ['addresses', '::1/128', 9000],
      ['addresses', 'fd00::/8', undefined],
      ['host', 'agents.internal', undefined],
      ['host', 'localhost', 3000],
      // An IPv4-mapped address stands for the IPv4 one.
      ['addresses', '10.0.0.1/32', undefined],
    ]);
  });

  it.each([
    ['false', false],
    ['TRUE', true],
    ['1', 1],
    ['loopback', ['loopback']],
    [
      '127.0.0.1,::1, 10.0.0.0/8,fd00::/8,linklocal,uniquelocal',
      ['127.0.0.1', '::1', '10.0.0.0/8', 'fd00::/8', 'linklocal', 'uniquelocal'],
    ],
  ])('reads TRUST_PROXY=%s as Express takes it', (value, trustProxy) => {
    expect(loadAppConfig({ TRUST_PROXY: value }).trustProxy).toEqual(trustProxy);
  });

  it('turns the authentication rate limit off with AUTH_RATE_LIMIT=off', () => {
    expect(loadAppConfig({ AUTH_RATE_LIMIT: 'OFF' }).authRateLimit).toBeNull();
  });

  it.each([
    ['sqlite:///abs/path.db', { kind: 'sqlite', path: '/abs/path.db' }],
    ['sqlite://relative/path.db', { kind: 'sqlite', path: 'relative/path.db' }],
    ['sqlite://:memory:', { kind: 'sqlite', path: ':memory:' }],
    ['postgres://u:p@h/db', { kind: 'postgres', url: 'postgres://u:p@h/db' }],
    [
      'postgres:///db?host=/run/postgresql',
      { kind: 'postgres', url: 'postgres:///db?host=/run/postgresql' },
    ],
  ])('accepts DATABASE_URL %s', (url, database) => {
    expect(loadAppConfig({ DATABASE_URL: url }).database).toEqual(database);
  });

  it.each([
    ['REDIS_URL', 'http://localhost:6379'],
    ['REDIS_URL', 'localhost:6379'],
    ['REDIS_URL', 'redis://localhost:6379/zero'],
    ['REDIS_MIN_REPLICAS_ACK', '-1'],
    ['REDIS_MIN_REPLICAS_ACK', 'one'],
    ['REDIS_MIN_REPLICAS_ACK', '101'],
    ['REDIS_REPLICAS_ACK_TIMEOUT_MS', '0'],
    ['REDIS_REPLICAS_ACK_TIMEOUT_MS', '1.5'],
    ['REDIS_REPLICAS_ACK_TIMEOUT_MS', '60001'],
    ['REDIS_PARTITIONS', '0'],
    ['REDIS_PARTITIONS', '65'],
    ['REDIS_PARTITIONS', 'three'],
    ['DATABASE_URL', 'sqlite://'],
    ['DATABASE_URL', 'mysql://u:p@h/db'],
    ['DATABASE_URL', 'var/brain.db'],
    ['PORT', '0'],
    ['PORT', '65536'],
    ['PORT', '80.5'],
    ['PORT', '80abc'],
    ['PORT', ' 80'],
    ['ADMIN_API_KEY', 'short'],
    ['ADMIN_API_KEY', 'test-admin-key-0123456789abcdef'],
    ['METRICS_API_KEY', 'short'],
    ['BRAIN_MASTER_KEY', 'a-31-character-master-key-.....'],
    ['RESULT_EXPIRES', '0'],
    ['RESULT_EXPIRES', '-5'],
    ['TZ', 'Mars/Olympus_Mons'],
    ['TZ', '+02:00'],
    ['BRAIN_PREFIX', 'brain:prod'],
    ['DASHBOARD_PORT', '99999'],
    ['SMTP_URL', 'http://mail.example'],
    ['SMTP_URL', 'mail.example:25'],
    ['SMTP_URL', 'smtp://mail.example/path'],
    ['SMTP_FROM', 'brain'],
    ['SMTP_FROM', 'a b@example.com'],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_LEVEL', 'log'],
    ['LOG_FORMAT', 'pretty'],
    ['OUTBOUND_ALLOW', '10.0.0.0/33'],
    ['OUTBOUND_ALLOW', 'http://agents.internal'],
    ['OUTBOUND_ALLOW', 'agents.internal:0'],
    ['OUTBOUND_ALLOW', '[::1]:99999'],
    ['OUTBOUND_ALLOW', '10.1'],
    ['OUTBOUND_ALLOW', 'a b'],
    ['TRUST_PROXY', 'yes'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', 'proxy.internal'],
    ['TRUST_PROXY', 'loopback,'],
    ['AUTH_RATE_LIMIT', '10'],
    ['AUTH_RATE_LIMIT', '0/60'],
    ['AUTH_RATE_LIMIT', '10/0'],
    ['AUTH_RATE_LIMIT', '10/1m'],
  ])('rejects %s=%s', (name, value) => {
    expect(failure({ [name]: value })).toMatch(new RegExp(`^  - ${name}: `, 'm'));
  });

  it('takes a Sentinel group and its own password', () => {
    const config = loadAppConfig({
      REDIS_URL: 'rediss-sentinel://app:pw@s1:26379,s2:26380,[::1]/mymaster/3',
      REDIS_SENTINEL_PASSWORD: 'sentinel-pw',
    });
    expect(config.redisUrl).toBe('rediss-sentinel://app:pw@s1:26379,s2:26380,[::1]/mymaster/3');
    expect(config.redisSentinelPassword).toBe('sentinel-pw');
  });

  it.each([
    [
      'redis-sentinel://:pw@s1:26379,,s3:26379/m',
      'bad host list: expected host:port[,host:port...]',
    ],
    ['redis-sentinel://:pw@s1:26379,s2:x/m', 'bad host list: entry 2 is not host:port'],
    [
      'redis-sentinel://:pw@s1:26379,s2:26379',
      'missing master name: expected host:26379,.../MASTER_NAME[/db]',
    ],
    ['redis-sentinel://:pw@s1:26379/m/zero', 'bad db: must be a number such as /0'],
    ['redis://:pw@a:1,b:2', 'bad host list: redis:// takes one host'],
    ['redis-cluster://:pw@n1:7000,n2:7001/0', 'bad path: a cluster has one database, give no /db'],
  ])('says what is wrong with REDIS_URL=%s, in one line without the password', (url, reason) => {
    const message = failure({ REDIS_URL: url });
    expect(message).toBe(`Invalid environment configuration:\n  - REDIS_URL: ${reason}`);
    expect(message).not.toContain('pw');
  });

  it('takes durable sending on a Redis Cluster too', () => {
    expect(() =>
      validate({ REDIS_URL: 'redis-cluster://:pw@n1:7000,n2:7001', REDIS_MIN_REPLICAS_ACK: '1' }),
    ).not.toThrow();
  });

  it('names the levels and formats there are', () => {
    expect(failure({ LOG_LEVEL: 'loud', LOG_FORMAT: 'xml' })).toBe(
      [
        'Invalid environment configuration:',
        '  - LOG_LEVEL: must be one of error, warn, info, debug',
        '  - LOG_FORMAT: must be one of text, json',
      ].join('\n'),
    );
  });

  it('names every bad variable in one error, with the reason and without secrets', () => {
    const message = failure({
      REDIS_URL: 'http://:redis-secret@localhost:6379',
      DATABASE_URL: 'mysql://brain:db-secret@db/brain',
      ADMIN_API_KEY: 'tiny-secret',
      BRAIN_MASTER_KEY: 'short-master-secret',
      PORT: 'eighty',
      TZ: 'Nowhere/Land',
      SMTP_URL: 'http://mailer:smtp-secret@mail.example',
    });
    expect(message).toBe(
      [
        'Invalid environment configuration:',
        '  - REDIS_URL: unknown scheme http: must be redis[s]://[user:password@]host:port[/db], redis[s]-sentinel://[user:password@]host:26379,host:26379/MASTER_NAME[/db] or redis[s]-cluster://[user:password@]host:7000,host:7001',
        '  - DATABASE_URL: must be sqlite:///abs/path.db, sqlite://relative/path.db or postgres://user:pass@host:5432/db',
        '  - PORT: must be an integer from 1 to 65535',
        '  - ADMIN_API_KEY: must be at least 32 characters long (make one with: openssl rand -hex 24)',
        '  - BRAIN_MASTER_KEY: must be at least 32 characters long',
        '  - TZ: must be an IANA time zone such as UTC or Europe/Berlin',
        '  - SMTP_URL: must be an smtp:// or smtps:// URL such as smtps://user:password@mail.example:465',
      ].join('\n'),
    );
    for (const secret of [
      'redis-secret',
      'db-secret',
      'tiny-secret',
      'short-master-secret',
      'smtp-secret',
      'eighty',
      'Nowhere',
    ]) {
      expect(message).not.toContain(secret);
    }
  });
});
