import { Inject, Injectable } from '@nestjs/common';
import { isForeignKeyViolation } from '../constraint-errors';
import type { Storage } from '../create-database';
import { STORAGE } from '../storage.tokens';
import { Keyring } from './keyring';

/** A put that lost its key to a concurrent rotation seals again with the new one. */
const PUT_ATTEMPTS = 3;

/**
 * Named secrets (webhook signing secrets and the like), sealed with the Keyring and readable by
 * every process that has the same BRAIN_MASTER_KEY. Each secret is bound to its name: a
 * ciphertext copied to another name does not open. Key rotations re-seal them in place.
 */
@Injectable()
export class SecretStore {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly keyring: Keyring,
  ) {}

  /** Stores (or replaces) the secret `name`. */
  async put(name: string, plaintext: string): Promise<void> {
    checkName(name);
    if (typeof plaintext !== 'string') throw new TypeError('a secret must be a string');
    for (let attempt = 1; ; attempt++) {
      const { keyId, ciphertext } = await this.keyring.seal(plaintext, name);
      const now = new Date().toISOString();
      try {
        await this.storage.db
          .insertInto('sealed_secrets')
          .values({ name, key_id: keyId, ciphertext, created_at: now, updated_at: now })
          .onConflict((oc) =>
            oc.column('name').doUpdateSet({ key_id: keyId, ciphertext, updated_at: now }),
          )
          .execute();
        return;
      } catch (err) {
        // A rotation deleted the key between seal() and this write: seal with the active one.
        if (!isForeignKeyViolation(err) || attempt >= PUT_ATTEMPTS) throw err;
      }
    }
  }

  /** The secret `name`, or undefined when there is none. */
  async get(name: string): Promise<string | undefined> {
    // Fails without a master key even for a missing name: "unset" would be a misleading answer.
    this.keyring.assertConfigured();
    // The ciphertext and the key it names, in one statement: a rotation cannot come between.
    const row = await this.storage.db
      .selectFrom('sealed_secrets as s')
      .innerJoin('encryption_keys as k', 'k.id', 's.key_id')
      .select(['s.key_id', 's.ciphertext', 'k.wrapped_key'])
      .where('s.name', '=', name)
      .executeTakeFirst();
    if (!row) return undefined;
    return this.keyring.openWithKey(
      { id: row.key_id, wrapped_key: row.wrapped_key },
      row.ciphertext,
      name,
    );
  }

  /** Removes the secret; false when there was none. */
  async delete(name: string): Promise<boolean> {
    const result = await this.storage.db
      .deleteFrom('sealed_secrets')
      .where('name', '=', name)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** The names of every secret, sorted; needs no master key. */
  async list(): Promise<string[]> {
    const rows = await this.storage.db
      .selectFrom('sealed_secrets')
      .select('name')
      .orderBy('name')
      .execute();
    return rows.map((r) => r.name);
  }
}

function checkName(name: unknown): void {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError('a secret name must be a non-empty string');
  }
}
