import { Inject, Injectable } from '@nestjs/common';
import type { Storage } from '../create-database';
import { KEYRING_OPTIONS, STORAGE } from '../storage.tokens';
import { decrypt, deriveKek, encrypt, KEY_BYTES, keyAad } from './envelope';
import { Keyring, KeyringError, type KeyringOptions, MASTER_KEY_MIN_LENGTH } from './keyring';

/** What a re-wrap did; snake_case, as `brain keys rewrap --json` prints it. */
export interface RewrapOutcome {
  /** Data keys that were wrapped with the old master key, now with BRAIN_MASTER_KEY. */
  rewrapped_key_ids: string[];
  /** Data keys already wrapped with BRAIN_MASTER_KEY (a re-run): left as they are. */
  current_key_ids: string[];
}

/**
 * Moves the keyring to a new master key: every data key wrapped with the old master key is
 * unwrapped with it and wrapped with the configured one (BRAIN_MASTER_KEY). The secrets
 * themselves are sealed with the data keys and do not change.
 */
@Injectable()
export class MasterKeyRewrap {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(KEYRING_OPTIONS) private readonly options: KeyringOptions,
    private readonly keyring: Keyring,
  ) {}

  /**
   * Re-wraps in one transaction: a key that opens with neither master key aborts it with a
   * KeyringError naming it, and nothing changes. Idempotent: keys wrapped with the configured
   * master key already are skipped.
   */
  async rewrap(oldMasterKey: string): Promise<RewrapOutcome> {
    this.keyring.assertConfigured();
    if (oldMasterKey.length < MASTER_KEY_MIN_LENGTH)
      throw new KeyringError(
        `the old master key is too short: a master key has at least ${MASTER_KEY_MIN_LENGTH} characters`,
      );
    const kek = deriveKek(this.options.masterKey as string);
    const oldKek = deriveKek(oldMasterKey);
    return this.storage.db.transaction().execute(async (trx) => {
      const keys = await trx
        .selectFrom('encryption_keys')
        .select(['id', 'wrapped_key'])
        .orderBy('created_at')
        .execute();
      const outcome: RewrapOutcome = { rewrapped_key_ids: [], current_key_ids: [] };
      const unopened: string[] = [];
      for (const key of keys) {
        if (opens(kek, key)) {
          outcome.current_key_ids.push(key.id);
          continue;
        }
        const dataKey = opens(oldKek, key);
        if (!dataKey) {
          unopened.push(key.id);
          continue;
        }
        await trx
          .updateTable('encryption_keys')
          .set({ wrapped_key: encrypt(kek, dataKey, keyAad(key.id)) })
          .where('id', '=', key.id)
          .where('wrapped_key', '=', key.wrapped_key)
          .execute();
        outcome.rewrapped_key_ids.push(key.id);
      }
      if (unopened.length > 0)
        throw new KeyringError(
          `the old master key opens ${unopened.length === keys.length ? 'none' : 'not all'} of the ${keys.length} encryption keys (${unopened.join(', ')} open with neither it nor BRAIN_MASTER_KEY): nothing changed`,
        );
      return outcome;
    });
  }
}

function opens(kek: Buffer, key: { id: string; wrapped_key: string }): Buffer | undefined {
  const dataKey = decrypt(kek, key.wrapped_key, keyAad(key.id));
  return dataKey?.length === KEY_BYTES ? dataKey : undefined;
}
