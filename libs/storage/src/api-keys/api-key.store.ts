import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Selectable } from 'kysely';
import type { Storage } from '../create-database';
import type { ApiKeyRole, ApiKeysTable } from '../schema';
import { STORAGE } from '../storage.tokens';

export type { ApiKeyRole };

export const API_KEY_ROLES: readonly ApiKeyRole[] = ['admin', 'operator', 'viewer'];

/** An API key as the REST API shows it: never its secret nor the secret's hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  role: ApiKeyRole;
  /** The secret's first characters, to recognise a key. */
  prefix: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CreateApiKey {
  name: string;
  role: ApiKeyRole;
  /** Null or absent: never expires. */
  expiresAt?: Date | null;
}

/** Secrets look like `brn_<43 base64url characters>` (32 random bytes). */
export const API_KEY_SECRET_PREFIX = 'brn_';
const SECRET_BYTES = 32;
const DISPLAY_PREFIX_LENGTH = 8;
/** last_used_at is written at most this often per key, not on every request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const VIEW_COLUMNS = [
  'id',
  'name',
  'role',
  'prefix',
  'created_at',
  'expires_at',
  'last_used_at',
  'revoked_at',
] as const;

/** SHA-256 (hex) of a secret, the only form in which secrets are stored. */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** API keys: creation, authentication, revocation and clean-up. */
@Injectable()
export class ApiKeyStore {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  private get db(): Storage['db'] {
    return this.storage.db;
  }

  /** A new key; the secret is returned once, here, and cannot be recovered later. */
  async create({
    name,
    role,
    expiresAt,
  }: CreateApiKey): Promise<{ key: ApiKeyView; secret: string }> {
    const secret = API_KEY_SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
    const row = newRow(name, role, secret, expiresAt?.toISOString() ?? null);
    await this.db.insertInto('api_keys').values(row).execute();
    return { key: toView(row), secret };
  }

  /**
   * Makes sure a key with this secret exists (the ADMIN_API_KEY at start-up) and returns it.
   * Idempotent, also when several processes seed at once; an existing key is left as it is
   * (name, role, and revocation included).
   */
  async seed(name: string, secret: string, role: ApiKeyRole): Promise<ApiKeyView> {
    const row = newRow(name, role, secret, null);
    await this.db
      .insertInto('api_keys')
      .values(row)
      .onConflict((oc) => oc.column('hash').doNothing())
      .execute();
    return this.db
      .selectFrom('api_keys')
      .select(VIEW_COLUMNS)
      .where('hash', '=', row.hash)
      .executeTakeFirstOrThrow();
  }

  /** The key of this secret when it exists, is not revoked and has not expired. */
  async authenticate(secret: string, now = new Date()): Promise<ApiKeyView | undefined> {
    const nowIso = now.toISOString();
    const key = await this.db
      .selectFrom('api_keys')
      .select(VIEW_COLUMNS)
      .where('hash', '=', hashApiKeySecret(secret))
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowIso)]))
      .executeTakeFirst();
    if (!key) return undefined;

    const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
    if (key.last_used_at !== null && key.last_used_at > staleBefore) return key;
    // Conditional, so that concurrent requests (or processes) write once.
    const updated = await this.db
      .updateTable('api_keys')
      .set({ last_used_at: nowIso })
      .where('id', '=', key.id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', staleBefore)]))
      .executeTakeFirst();
    return updated.numUpdatedRows > 0n ? { ...key, last_used_at: nowIso } : key;
  }

  /** Every key, revoked and expired ones included, newest first. */
  async list(): Promise<ApiKeyView[]> {
    return this.db
      .selectFrom('api_keys')
      .select(VIEW_COLUMNS)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
  }

  async get(id: string): Promise<ApiKeyView | undefined> {
    return this.db
      .selectFrom('api_keys')
      .select(VIEW_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** False when the key is unknown or already revoked. */
  async revoke(id: string, now = new Date()): Promise<boolean> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: now.toISOString() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Deletes the keys that had expired or been revoked by `now`; returns how many. */
  async deleteExpired(now = new Date()): Promise<number> {
    const nowIso = now.toISOString();
    const result = await this.db
      .deleteFrom('api_keys')
      .where((eb) => eb.or([eb('expires_at', '<=', nowIso), eb('revoked_at', '<=', nowIso)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function newRow(
  name: string,
  role: ApiKeyRole,
  secret: string,
  expiresAt: string | null,
): Selectable<ApiKeysTable> {
  return {
    id: randomUUID(),
    name,
    role,
    prefix: secret.slice(0, DISPLAY_PREFIX_LENGTH),
    hash: hashApiKeySecret(secret),
    created_at: new Date().toISOString(),
    expires_at: expiresAt,
    last_used_at: null,
    revoked_at: null,
  };
}

function toView({ hash: _hash, ...view }: Selectable<ApiKeysTable>): ApiKeyView {
  return view;
}
