/** One address of a host list. */
export interface RedisHostPort {
  host: string;
  port: number;
}

interface Credentials {
  username?: string;
  password?: string;
  /** rediss-*: TLS to every node (and to the sentinels). */
  tls: boolean;
}

/** What REDIS_URL names: one server, a Sentinel group, or a Cluster. */
export type RedisTopologyUrl =
  | (Credentials & { kind: 'standalone'; host: string; port: number; db: number })
  | (Credentials & {
      kind: 'sentinel';
      sentinels: RedisHostPort[];
      masterName: string;
      db: number;
    })
  | (Credentials & { kind: 'cluster'; nodes: RedisHostPort[] });

export type RedisTopologyKind = RedisTopologyUrl['kind'];

/** Why a REDIS_URL is refused; the message never quotes the URL, which may hold a password. */
export class RedisUrlError extends Error {}

const SCHEMES: Record<string, { kind: RedisTopologyKind; tls: boolean; port: number }> = {
  redis: { kind: 'standalone', tls: false, port: 6379 },
  rediss: { kind: 'standalone', tls: true, port: 6379 },
  'redis-sentinel': { kind: 'sentinel', tls: false, port: 26379 },
  'rediss-sentinel': { kind: 'sentinel', tls: true, port: 26379 },
  'redis-cluster': { kind: 'cluster', tls: false, port: 6379 },
  'rediss-cluster': { kind: 'cluster', tls: true, port: 6379 },
};

export const REDIS_URL_FORMS =
  'redis[s]://[user:password@]host:port[/db], redis[s]-sentinel://[user:password@]host:26379,host:26379/MASTER_NAME[/db] or redis[s]-cluster://[user:password@]host:7000,host:7001';

/** scheme://[userinfo@]hosts[/path] — host lists are not WHATWG URLs, so split by hand. */
const SHAPE = /^([a-z][a-z0-9+.-]*):\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?$/i;
/** `host`, `host:port`, `[v6]` or `[v6]:port`. */
const HOST_PORT = /^(\[[0-9a-f:.]+\]|[^:[\]\s]+)(?::(\d{1,5}))?$/i;

function splitParts(raw: string) {
  const match = SHAPE.exec(raw.trim());
  if (!match) throw new RedisUrlError(`must be ${REDIS_URL_FORMS}`);
  const [, scheme, userinfo, hosts, path] = match;
  const form = SCHEMES[scheme.toLowerCase()];
  if (!form) throw new RedisUrlError(`unknown scheme ${scheme}: must be ${REDIS_URL_FORMS}`);
  return { scheme, form, userinfo, hosts, path: path ?? '' };
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new RedisUrlError(`bad percent-encoding in the ${what}`);
  }
}

function credentials(userinfo: string | undefined, tls: boolean): Credentials {
  if (userinfo === undefined) return { tls };
  const colon = userinfo.indexOf(':');
  const user = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
  const pass = colon >= 0 ? userinfo.slice(colon + 1) : '';
  return {
    tls,
    username: user ? decode(user, 'user name') : undefined,
    password: pass ? decode(pass, 'password') : undefined,
  };
}

function hostList(hosts: string, defaultPort: number): RedisHostPort[] {
  const entries = hosts.split(',');
  if (hosts === '' || entries.some((e) => e.trim() === '')) {
    throw new RedisUrlError('bad host list: expected host:port[,host:port...]');
  }
  return entries.map((entry, i) => {
    const m = HOST_PORT.exec(entry.trim());
    const port = m?.[2] === undefined ? defaultPort : Number(m[2]);
    if (!m || port < 1 || port > 65535) {
      throw new RedisUrlError(`bad host list: entry ${i + 1} is not host:port`);
    }
    return { host: m[1].replace(/^\[|\]$/g, ''), port };
  });
}

function dbNumber(text: string | undefined): number {
  if (text === undefined || text === '') return 0;
  if (!/^\d{1,5}$/.test(text)) throw new RedisUrlError('bad db: must be a number such as /0');
  return Number(text);
}

/**
 * Parses every REDIS_URL form (see {@link REDIS_URL_FORMS}). Pure, so that start-up validation
 * and the connection factory read a URL the same way. Throws {@link RedisUrlError}.
 */
export function parseRedisUrl(raw: string): RedisTopologyUrl {
  const { form, userinfo, hosts, path } = splitParts(raw);
  const creds = credentials(userinfo, form.tls);
  const segments = path.split('/').slice(1);
  switch (form.kind) {
    case 'standalone': {
      const [node, ...more] = hostList(hosts, form.port);
      if (more.length) throw new RedisUrlError('bad host list: redis:// takes one host');
      if (segments.length > 1) throw new RedisUrlError('bad db: must be a number such as /0');
      return { kind: 'standalone', ...creds, ...node, db: dbNumber(segments[0]) };
    }
    case 'sentinel': {
      const sentinels = hostList(hosts, form.port);
      const masterName = segments[0] ? decode(segments[0], 'master name') : '';
      if (!masterName) {
        throw new RedisUrlError('missing master name: expected host:26379,.../MASTER_NAME[/db]');
      }
      if (segments.length > 2) throw new RedisUrlError('bad path: expected /MASTER_NAME[/db]');
      return { kind: 'sentinel', ...creds, sentinels, masterName, db: dbNumber(segments[1]) };
    }
    case 'cluster': {
      const nodes = hostList(hosts, form.port);
      if (segments.some((s) => s !== '')) {
        throw new RedisUrlError('bad path: a cluster has one database, give no /db');
      }
      return { kind: 'cluster', ...creds, nodes };
    }
  }
}

/** Whether the text has the shape of one of the REDIS_URL forms (host lists included). */
export function looksLikeRedisUrl(raw: string): boolean {
  const match = SHAPE.exec(raw.trim());
  return match !== null && SCHEMES[match[1].toLowerCase()] !== undefined;
}
