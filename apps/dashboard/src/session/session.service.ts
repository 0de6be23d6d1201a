import { Injectable } from '@nestjs/common';
import { ApiKeyStore, type ApiKeyView } from '@brain/storage';
import { type DashboardSession, type NewSession, SessionStore } from './session.store';

export interface ResolvedSession {
  id: string;
  session: DashboardSession;
  key: ApiKeyView;
}

/**
 * Logins with an API key, and the sessions they open. A session is only as good as its key: a
 * key revoked or expired since the login ends the session at its next request.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly store: SessionStore,
    private readonly keys: ApiKeyStore,
  ) {}

  /** A session for this API key secret; undefined when the key is unknown, expired or revoked. */
  async login(secret: string): Promise<(NewSession & { key: ApiKeyView }) | undefined> {
    const key = await this.keys.authenticate(secret);
    if (!key) return undefined;
    const created = await this.store.create(
      key.id,
      key.expires_at ? new Date(key.expires_at) : null,
    );
    return { ...created, key };
  }

  async resolve(id: string | undefined): Promise<ResolvedSession | undefined> {
    const session = await this.store.get(id);
    if (!id || !session) return undefined;
    const key = await this.keys.get(session.keyId);
    if (!key || !isActive(key)) {
      await this.store.destroy(id);
      return undefined;
    }
    return { id, session, key };
  }

  logout(id: string | undefined): Promise<boolean> {
    return this.store.destroy(id);
  }
}

function isActive(key: ApiKeyView, now = Date.now()): boolean {
  return key.revoked_at === null && (key.expires_at === null || Date.parse(key.expires_at) > now);
}
