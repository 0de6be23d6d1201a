import { createHash, randomBytes } from 'node:crypto';
import type { RedisClient } from '@brain/tasks';

/** How long a dashboard login lasts (unless its API key expires first). */
export const SESSION_TTL_SECONDS = 8 * 3600;

/** What the server keeps of a login: the key it was made with, never the key's secret. */
export interface DashboardSession {
  /** The API key that logged in; checked again on every request (revoked keys end sessions). */
  keyId: string;
  /** Sent back with every state-changing request (X-CSRF-Token). */
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

/** A new login: the opaque id goes to the browser (cookie); the session stays here. */
export interface NewSession {
  id: string;
  session: DashboardSession;
}

const ID_BYTES = 32;

/**
 * Dashboard sessions in RedisClient, each expiring with its own TTL. Keys hold a hash of the session
 * id, not the id itself, so that whoever can read RedisClient cannot take over a session; sessions
 * outlive a restart of the dashboard and are shared by its replicas.
 */
export class SessionStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  private key(id: string): string {
    const digest = createHash('sha256').update(id, 'utf8').digest('hex');
    return `${this.prefix}:dashboard:session:${digest}`;
  }

  /** A session for this key, for SESSION_TTL_SECONDS or until `notAfter`, whichever is sooner. */
  async create(keyId: string, notAfter?: Date | null): Promise<NewSession> {
    const now = this.now();
    const end = Math.min(now + SESSION_TTL_SECONDS * 1000, notAfter?.getTime() ?? Infinity);
    const ttl = Math.ceil((end - now) / 1000);
    if (ttl <= 0) throw new Error('the API key has expired');
    const id = randomBytes(ID_BYTES).toString('base64url');
    const session: DashboardSession = {
      keyId,
      csrfToken: randomBytes(ID_BYTES).toString('base64url'),
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(end).toISOString(),
    };
    await this.redis.set(this.key(id), JSON.stringify(session), 'EX', ttl);
    return { id, session };
  }

  /** The live session of this id; undefined when unknown, malformed or expired. */
  async get(id: string | undefined): Promise<DashboardSession | undefined> {
    if (!id || id.length > 128) return undefined;
    const raw = await this.redis.get(this.key(id));
    if (!raw) return undefined;
    const session = parse(raw);
    if (!session || Date.parse(session.expiresAt) <= this.now()) return undefined;
    return session;
  }

  /** Ends a session (logout); true when there was one. */
  async destroy(id: string | undefined): Promise<boolean> {
    if (!id) return false;
    return (await this.redis.del(this.key(id))) > 0;
  }

  /** Seconds the session has left in RedisClient (-2 when gone). */
  async ttl(id: string): Promise<number> {
    return this.redis.ttl(this.key(id));
  }
}

function parse(raw: string): DashboardSession | undefined {
  try {
    const value = JSON.parse(raw) as Partial<DashboardSession>;
    return typeof value.keyId === 'string' &&
      typeof value.csrfToken === 'string' &&
      typeof value.expiresAt === 'string' &&
      typeof value.createdAt === 'string'
      ? (value as DashboardSession)
      : undefined;
  } catch {
    return undefined;
  }
}
