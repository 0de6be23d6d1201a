import { reconnectOnReadonly, redisEndpoint } from './redis-endpoint';

describe('redisEndpoint', () => {
  it('gives ioredis the sentinels and the master name', () => {
    const endpoint = redisEndpoint('rediss-sentinel://:pw@s1:26379,s2:26380/mymaster/1');
    expect(endpoint).toMatchObject({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
      name: 'mymaster',
      db: 1,
      password: 'pw',
      sentinelPassword: 'pw',
      enableTLSForSentinelMode: true,
      tls: {},
      failoverDetector: false,
      maxRetriesPerRequest: null,
    });
    expect(endpoint.host).toBeUndefined();
  });

  it('uses REDIS_SENTINEL_PASSWORD for the sentinels when given', () => {
    const endpoint = redisEndpoint('redis-sentinel://:data-pw@s1/m', { sentinelPassword: 'spw' });
    expect(endpoint).toMatchObject({ password: 'data-pw', sentinelPassword: 'spw' });
  });

  it('fails fast for request-serving processes', () => {
    const endpoint = redisEndpoint('redis://h:6379', { failFast: true });
    expect(endpoint).toMatchObject({ host: 'h', port: 6379, db: 0, maxRetriesPerRequest: 0 });
    expect(endpoint.retryStrategy?.(50)).toBe(2000);
  });

  it('reconnects a connection whose server became a replica', () => {
    expect(
      reconnectOnReadonly(new Error("READONLY You can't write against a read only replica.")),
    ).toBe(2);
    expect(reconnectOnReadonly(new Error('ERR wrong number of arguments'))).toBe(false);
  });

  it('gives a cluster URL its seed nodes, with the credentials and TLS for every node', () => {
    expect(redisEndpoint('rediss-cluster://:s3cret@n1:7000,n2:7001')).toMatchObject({
      clusterNodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
      ],
      password: 's3cret',
      tls: {},
    });
  });
});
