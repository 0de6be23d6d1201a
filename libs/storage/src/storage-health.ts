import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { Storage } from './create-database';
import { STORAGE } from './storage.tokens';

/** A health check gives up after this long: a stuck database is as unhealthy as a down one. */
export const STORAGE_PING_TIMEOUT_MS = 3_000;

/** Whether the database answers, for a health indicator. */
@Injectable()
export class StorageHealth {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  get dialect(): Storage['dialect'] {
    return this.storage.dialect;
  }

  /** Resolves when `select 1` succeeds within `timeoutMs`; rejects otherwise. */
  async ping(timeoutMs = STORAGE_PING_TIMEOUT_MS): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, fail) => {
      timer = setTimeout(
        () => fail(new Error(`database did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([sql`select 1`.execute(this.storage.db), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
