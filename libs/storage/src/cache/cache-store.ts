import { Inject, Injectable } from '@nestjs/common';
import type { Storage } from '../create-database';
import { STORAGE } from '../storage.tokens';

/**
 * A key-value cache in the database, shared by every process: values are stored as JSON, with an
 * optional time to live. Expired entries are never returned; `deleteExpired` (the
 * cleanup_expired_cache maintenance task) removes them.
 */
@Injectable()
export class CacheStore {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  /**
   * Stores `value` (anything JSON.stringify accepts) under `key`, replacing what was there.
   * Without `ttlSeconds` the entry never expires; fractions of a second are kept to the
   * millisecond.
   */
  async set(key: string, value: unknown, ttlSeconds?: number, now = new Date()): Promise<void> {
    if (ttlSeconds !== undefined && !(Number.isFinite(ttlSeconds) && ttlSeconds > 0)) {
      throw new RangeError(`ttlSeconds must be a number of seconds > 0, got ${String(ttlSeconds)}`);
    }
    const json: string | undefined = JSON.stringify(value);
    if (json === undefined) {
      throw new TypeError(`cache value of "${key}" cannot be stored as JSON (${typeof value})`);
    }
    const row = {
      key,
      value: json,
      created_at: now.toISOString(),
      expires_at:
        ttlSeconds === undefined
          ? null
          : new Date(now.getTime() + Math.round(ttlSeconds * 1000)).toISOString(),
    };
    await this.storage.db
      .insertInto('cache_entries')
      .values(row)
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          value: row.value,
          created_at: row.created_at,
          expires_at: row.expires_at,
        }),
      )
      .execute();
  }

  /** The value stored under `key`; undefined when there is none or it expired by `now`. */
  async get<T = unknown>(key: string, now = new Date()): Promise<T | undefined> {
    const nowIso = now.toISOString();
    const row = await this.storage.db
      .selectFrom('cache_entries')
      .select('value')
      .where('key', '=', key)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowIso)]))
      .executeTakeFirst();
    return row === undefined ? undefined : (JSON.parse(row.value) as T);
  }

  /** Removes the entry; false when there was none. */
  async delete(key: string): Promise<boolean> {
    const result = await this.storage.db
      .deleteFrom('cache_entries')
      .where('key', '=', key)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Deletes the entries that had expired by `now`; returns how many. */
  async deleteExpired(now = new Date()): Promise<number> {
    const result = await this.storage.db
      .deleteFrom('cache_entries')
      .where('expires_at', '<=', now.toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
