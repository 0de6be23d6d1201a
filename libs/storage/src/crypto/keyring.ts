import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Selectable, Transaction } from 'kysely';
import { isForeignKeyViolation } from '../constraint-errors';
import type { Storage } from '../create-database';
import type { Database, EncryptionKeysTable } from '../schema';
import { KEYRING_OPTIONS, STORAGE } from '../storage.tokens';
import { decrypt, deriveKek, encrypt, KEY_BYTES, keyAad, valueAad } from './envelope';

export interface KeyringOptions {
  /**
   * The master key (key-encryption key) as configured, BRAIN_MASTER_KEY: at least 32 characters.
   * Undefined: the keyring refuses to work, but everything else starts.
   */
  masterKey?: string;
}

/** A value sealed with a data key of the keyring. */
export interface SealedValue {
  /** The data key it was sealed with (encryption_keys.id). */
  keyId: string;
  /** Base64 of iv (12 bytes) | GCM tag (16 bytes) | data. */
  ciphertext: string;
}

/** A data key as stored: its id and the key sealed with the master key. */
export type WrappedKey = Pick<Selectable<EncryptionKeysTable>, 'id' | 'wrapped_key'>;

/** What a rotation did; snake_case, as it becomes the rotate_encryption_keys task's result. */
export interface RotationOutcome {
  /** The key that is active now. */
  new_key_id: string;
  /** The key(s) this rotation retired: the previous active one (none on a fresh keyring). */
  retired_key_ids: string[];
  /** Secrets re-sealed with the active key. */
  resealed: number;
  /** Retired keys deleted because no secret uses them any more (older ones included). */
  removed_key_ids: string[];
  /** Secrets that could not be opened (corrupt): left as they are, and so are their keys. */
  unreadable_secrets: string[];
}

/** The keyring cannot do what was asked: no or wrong master key, unknown key, corrupt data. */
export class KeyringError extends Error {
  override readonly name = 'KeyringError';
}

export const MASTER_KEY_MIN_LENGTH = 32;

/** Rotations that lose the race for the active key retry on top of the winner's key. */
const ROTATION_ATTEMPTS = 5;
const RESEAL_BATCH = 100;

/** Another rotation made its key active first; this attempt is rolled back and retried. */
class LostRotationRace extends Error {}

/**
 * Envelope encryption with AES-256-GCM (node:crypto). Values are sealed with random 32-byte data
 * keys; the data keys are stored in `encryption_keys`, sealed with the master key (the KEK,
 * derived from BRAIN_MASTER_KEY with HKDF-SHA-256), which is never stored. One data key is
 * active: new values are sealed with it. `rotate()` replaces it and re-seals the secrets of
 * `sealed_secrets`; ciphertexts kept anywhere else are not tracked, and their key may be deleted
 * by a rotation: keep secrets in the SecretStore.
 *
 * Without a master key every operation fails with a KeyringError saying so; nothing fails at
 * start-up, so that the processes that do not use secrets need none.
 */
@Injectable()
export class Keyring {
  private readonly logger = new Logger('Keyring');
  /** Private fields: the key material stays out of logs, inspection and serialisation. */
  readonly #masterKey: string | undefined;
  #kek: Buffer | undefined;
  /** Unwrapped data keys by id; a key's row never changes, so entries never go stale. */
  readonly #dataKeys = new Map<string, Buffer>();

  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(KEYRING_OPTIONS) options: KeyringOptions,
  ) {
    this.#masterKey = options.masterKey;
  }

  /** Throws the KeyringError of a missing or too short master key; checks nothing else. */
  assertConfigured(): void {
    this.kek();
  }

  /** The id of the active data key; the first key is made on first use. */
  async activeKeyId(): Promise<string> {
    const key = await this.activeKey();
    this.unwrap(key);
    return key.id;
  }

  /**
   * Seals `plaintext` with the active data key. `context` (e.g. the secret's name) is
   * authenticated with it: open() must be given the same, so a ciphertext cannot be passed off as
   * another's.
   */
  async seal(plaintext: string, context = ''): Promise<SealedValue> {
    const key = await this.activeKey();
    return { keyId: key.id, ciphertext: encrypt(this.unwrap(key), plaintext, valueAad(context)) };
  }

  /** Opens what seal() returned, with the same `context`. */
  async open(keyId: string, ciphertext: string, context = ''): Promise<string> {
    this.kek();
    const key = await this.storage.db
      .selectFrom('encryption_keys')
      .select(['id', 'wrapped_key'])
      .where('id', '=', keyId)
      .executeTakeFirst();
    if (!key) {
      throw new KeyringError(
        `unknown encryption key ${keyId}: it never existed or was removed by a rotation`,
      );
    }
    return this.openWithKey(key, ciphertext, context);
  }

  /**
   * open() with the data key's row already at hand: read in the same statement as the
   * ciphertext, it is the key the ciphertext names even if a rotation runs meanwhile.
   */
  openWithKey(key: WrappedKey, ciphertext: string, context = ''): string {
    const plaintext = decrypt(this.unwrap(key), ciphertext, valueAad(context));
    if (plaintext === undefined) {
      throw new KeyringError(
        `cannot open a value sealed with encryption key ${key.id}: the ciphertext is corrupt or belongs to something else`,
      );
    }
    return plaintext.toString('utf8');
  }

  /**
   * Makes a new data key active and retires the active one (one transaction), re-seals every
   * secret whose key is not active (one small compare-and-set update per secret: a secret
   * always names a key that exists, and a value put meanwhile is never overwritten), then
   * deletes the retired keys that no secret uses any more.
   *
   * Concurrent rotations are safe: the unique index on the active key lets only one swap win at a
   * time; the others roll back and retry on top of the winner's key (up to 5 attempts, then a
   * KeyringError), so each of them ends with a key of its own, and every secret stays readable.
   * A wrong master key is detected before anything changes.
   */
  async rotate(now = new Date()): Promise<RotationOutcome> {
    this.kek();
    const { newKeyId, retiredKeyIds } = await this.swapActiveKey(now);
    const { resealed, unreadable } = await this.resealSecrets();
    const removed = await this.removeUnusedKeys();
    return {
      new_key_id: newKeyId,
      retired_key_ids: retiredKeyIds,
      resealed,
      removed_key_ids: removed,
      unreadable_secrets: unreadable,
    };
  }

  private kek(): Buffer {
    if (this.#kek) return this.#kek;
    const masterKey = this.#masterKey;
    if (masterKey === undefined || masterKey === '') {
      throw new KeyringError(
        'BRAIN_MASTER_KEY is not set: the keyring needs a master key (at least 32 characters) to seal and open secrets',
      );
    }
    if (masterKey.length < MASTER_KEY_MIN_LENGTH) {
      throw new KeyringError(
        `BRAIN_MASTER_KEY is too short: it must be at least ${MASTER_KEY_MIN_LENGTH} characters long`,
      );
    }
    this.#kek = deriveKek(masterKey);
    return this.#kek;
  }

  /** The data key of a row; a KeyringError when the master key is not the one it was sealed with. */
  private unwrap(key: WrappedKey): Buffer {
    const cached = this.#dataKeys.get(key.id);
    if (cached) return cached;
    const dataKey = decrypt(this.kek(), key.wrapped_key, keyAad(key.id));
    if (dataKey === undefined || dataKey.length !== KEY_BYTES) {
      throw new KeyringError(
        `cannot unwrap encryption key ${key.id}: BRAIN_MASTER_KEY is not the master key it was sealed with`,
      );
    }
    this.#dataKeys.set(key.id, dataKey);
    return dataKey;
  }

  /** A new random data key, sealed with the master key, ready to insert. */
  private newKey(now: Date): Selectable<EncryptionKeysTable> {
    const id = randomUUID();
    const dataKey = randomBytes(KEY_BYTES);
    const row: Selectable<EncryptionKeysTable> = {
      id,
      wrapped_key: encrypt(this.kek(), dataKey, keyAad(id)),
      status: 'active',
      created_at: now.toISOString(),
      retired_at: null,
    };
    this.#dataKeys.set(id, dataKey);
    return row;
  }

  private async activeKey(): Promise<WrappedKey> {
    this.kek();
    const select = () =>
      this.storage.db
        .selectFrom('encryption_keys')
        .select(['id', 'wrapped_key'])
        .where('status', '=', 'active')
        .executeTakeFirst();
    const active = await select();
    if (active) return active;
    // The first key; when several processes make one at once, the unique index keeps one.
    const first = this.newKey(new Date());
    const inserted = await this.storage.db
      .insertInto('encryption_keys')
      .values(first)
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (!inserted.numInsertedOrUpdatedRows) this.#dataKeys.delete(first.id);
    const made = await select();
    if (!made) throw new KeyringError('no active encryption key: a rotation keeps replacing it');
    return made;
  }

  private async swapActiveKey(now: Date): Promise<{ newKeyId: string; retiredKeyIds: string[] }> {
    for (let attempt = 1; ; attempt++) {
      const fresh = this.newKey(now);
      try {
        const retiredKeyIds = await this.storage.db
          .transaction()
          .execute((trx) => this.swapIn(trx, fresh, now));
        return { newKeyId: fresh.id, retiredKeyIds };
      } catch (err) {
        this.#dataKeys.delete(fresh.id);
        if (!(err instanceof LostRotationRace)) throw err;
        if (attempt >= ROTATION_ATTEMPTS) {
          throw new KeyringError(
            `key rotation: other rotations replaced the active key ${attempt} times in a row; try again later`,
          );
        }
      }
    }
  }

  private async swapIn(
    trx: Transaction<Database>,
    fresh: Selectable<EncryptionKeysTable>,
    now: Date,
  ): Promise<string[]> {
    // A write first: it takes the write lock (SQLite) or the row lock (PostgreSQL) at once.
    const retired = await trx
      .updateTable('encryption_keys')
      .set({ status: 'retired', retired_at: now.toISOString() })
      .where('status', '=', 'active')
      .returning(['id', 'wrapped_key'])
      .execute();
    // A wrong master key must not retire the key the secrets need: this throws, and rolls back.
    for (const key of retired) this.unwrap(key);
    const inserted = await trx
      .insertInto('encryption_keys')
      .values(fresh)
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    // PostgreSQL: a concurrent swap committed its key after this transaction's update looked.
    if (!inserted.numInsertedOrUpdatedRows) throw new LostRotationRace();
    return retired.map((k) => k.id);
  }

  /** One pass over the secrets of non-active keys, in name order. */
  private async resealSecrets(): Promise<{ resealed: number; unreadable: string[] }> {
    const db = this.storage.db;
    let resealed = 0;
    const unreadable: string[] = [];
    let after: string | undefined;
    for (;;) {
      let query = db
        .selectFrom('sealed_secrets as s')
        .innerJoin('encryption_keys as k', 'k.id', 's.key_id')
        .select(['s.name', 's.key_id', 's.ciphertext', 'k.wrapped_key'])
        .where('k.status', '!=', 'active');
      if (after !== undefined) query = query.where('s.name', '>', after);
      const rows = await query.orderBy('s.name').limit(RESEAL_BATCH).execute();
      if (rows.length === 0) break;
      const active = await this.activeKey();
      const activeKey = this.unwrap(active);
      for (const row of rows) {
        after = row.name;
        let plaintext: string;
        try {
          plaintext = this.openWithKey(
            { id: row.key_id, wrapped_key: row.wrapped_key },
            row.ciphertext,
            row.name,
          );
        } catch (err) {
          if (!(err instanceof KeyringError)) throw err;
          this.logger.error(`key rotation: secret "${row.name}" left as it is: ${err.message}`);
          unreadable.push(row.name);
          continue;
        }
        const result = await db
          .updateTable('sealed_secrets')
          .set({ key_id: active.id, ciphertext: encrypt(activeKey, plaintext, valueAad(row.name)) })
          .where('name', '=', row.name)
          // Unless the secret was put (or re-sealed) meanwhile: the newer value stays.
          .where('ciphertext', '=', row.ciphertext)
          .executeTakeFirst();
        if (result.numUpdatedRows > 0n) resealed++;
      }
    }
    return { resealed, unreadable };
  }

  /** Deletes the retired keys that no secret names; returns their ids. */
  private async removeUnusedKeys(): Promise<string[]> {
    const db = this.storage.db;
    const unused = await db
      .selectFrom('encryption_keys')
      .select('id')
      .where('status', '=', 'retired')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('sealed_secrets')
              .select('name')
              .whereRef('sealed_secrets.key_id', '=', 'encryption_keys.id'),
          ),
        ),
      )
      .orderBy('created_at')
      .execute();
    const removed: string[] = [];
    for (const { id } of unused) {
      try {
        const result = await db
          .deleteFrom('encryption_keys')
          .where('id', '=', id)
          .where('status', '=', 'retired')
          .executeTakeFirst();
        if (result.numDeletedRows > 0n) removed.push(id);
        this.#dataKeys.delete(id);
      } catch (err) {
        // A secret was sealed with it meanwhile (a put that read the active key before the swap):
        // the key stays, the next rotation re-seals that secret.
        if (!isForeignKeyViolation(err)) throw err;
      }
    }
    return removed;
  }
}
