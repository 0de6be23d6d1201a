import { parseRedisUrl, RedisUrlError } from './redis-url';

describe('parseRedisUrl', () => {
  it('reads one server, as before', () => {
    expect(parseRedisUrl('redis://:p%40ss@cache:6380/2')).toEqual({
      kind: 'standalone',
      tls: false,
      username: undefined,
      password: 'p@ss',
      host: 'cache',
      port: 6380,
      db: 2,
    });
    expect(parseRedisUrl('rediss://cache')).toMatchObject({ tls: true, port: 6379, db: 0 });
  });

  it('reads a Sentinel group: sentinels, master name, db, credentials', () => {
    expect(parseRedisUrl('rediss-sentinel://app:pw@s1:26379,s2,[::1]:26381/mymaster/3')).toEqual({
      kind: 'sentinel',
      tls: true,
      username: 'app',
      password: 'pw',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
        { host: '::1', port: 26381 },
      ],
      masterName: 'mymaster',
      db: 3,
    });
  });

  it('reads a Cluster seed list', () => {
    expect(parseRedisUrl('redis-cluster://n1:7000,n2:7001')).toEqual({
      kind: 'cluster',
      tls: false,
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
      ],
    });
  });

  it.each([
    ['redis-sentinel://s1:26379,s2:26379', /missing master name/],
    ['redis-sentinel://s1:26379,s2:26379/', /missing master name/],
    ['redis-sentinel://s1:99999/m', /entry 1 is not host:port/],
    ['redis-sentinel://:secret@/m', /bad host list/],
    ['redis-sentinel://s1/m/1/x', /bad path/],
    ['redis-cluster://n1:7000/0', /no \/db/],
    ['redis://h/x', /bad db/],
    ['memcached://h', /unknown scheme memcached/],
    ['not a url', /must be redis/],
  ])('refuses %s, saying why', (url, reason) => {
    expect(() => parseRedisUrl(url)).toThrow(RedisUrlError);
    expect(() => parseRedisUrl(url)).toThrow(reason);
  });
});
