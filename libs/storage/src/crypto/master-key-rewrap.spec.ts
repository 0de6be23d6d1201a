import type { DatabaseConfig } from '@brain/config';
import { dropTestDatabase, eachDialect } from '../../../../test/support/databases';
import { createDatabase, type Storage } from '../create-database';
import { migrate } from '../migrate';
import { Keyring, KeyringError } from './keyring';
import { MasterKeyRewrap } from './master-key-rewrap';
import { SecretStore } from './secret-store';

const OLD_KEY = 'rewrap-spec-old-master-key-0123456789ab';
const NEW_KEY = 'rewrap-spec-new-master-key-0123456789ab';
const WRONG_KEY = 'rewrap-spec-wrong-master-key-0123456789';

describe.each(eachDialect)('MasterKeyRewrap (%s)', (_dialect, newDatabase) => {
  let config: DatabaseConfig;
  let storage: Storage;

  /** A keyring, secret store and re-wrap with a master key of their own (one process's view). */
  const withKey = (masterKey: string | undefined) => {
    const keyring = new Keyring(storage, { masterKey });
    return {
      secrets: new SecretStore(storage, keyring),
      rewrap: new MasterKeyRewrap(storage, { masterKey }, keyring),
      keyring,
    };
  };

  const wrappedKeys = async () =>
    storage.db.selectFrom('encryption_keys').select(['id', 'wrapped_key']).orderBy('id').execute();

  beforeAll(async () => {
    config = await newDatabase('rewrap');
    storage = createDatabase(config);
    await migrate(storage);
  });

  beforeEach(async () => {
    await storage.db.deleteFrom('sealed_secrets').execute();
    await storage.db.deleteFrom('encryption_keys').execute();
  });

  afterAll(async () => {
    await storage.close();
    await dropTestDatabase(config);
  });

  it('re-wraps every data key with the new master key; the secrets open with it, then not with the old', async () => {
    const old = withKey(OLD_KEY);
    await old.secrets.put('a', 'alpha');
    // Rotated: the key in use is not the first one made.
    await old.keyring.rotate();
    await old.secrets.put('b', 'beta');
    const ids = (await wrappedKeys()).map((k) => k.id);
    expect(ids).toHaveLength(1);
    await expect(withKey(NEW_KEY).secrets.get('a')).rejects.toThrow(
      /BRAIN_MASTER_KEY is not the master key it was sealed with/,
    );

    const outcome = await withKey(NEW_KEY).rewrap.rewrap(OLD_KEY);
    expect(outcome).toEqual({ rewrapped_key_ids: ids, current_key_ids: [] });
    const fresh = withKey(NEW_KEY);
    expect(await fresh.secrets.get('a')).toBe('alpha');
    expect(await fresh.secrets.get('b')).toBe('beta');
    await expect(withKey(OLD_KEY).secrets.get('a')).rejects.toThrow(KeyringError);
  });

  it('is idempotent: a second run skips the keys already re-wrapped', async () => {
    await withKey(OLD_KEY).secrets.put('a', 'alpha');
    const first = await withKey(NEW_KEY).rewrap.rewrap(OLD_KEY);
    const after = await wrappedKeys();
    const second = await withKey(NEW_KEY).rewrap.rewrap(OLD_KEY);
    expect(second).toEqual({ rewrapped_key_ids: [], current_key_ids: first.rewrapped_key_ids });
    expect(await wrappedKeys()).toEqual(after);
  });

  it('a wrong old key changes nothing and says it opens none of the keys', async () => {
    await withKey(OLD_KEY).secrets.put('a', 'alpha');
    const before = await wrappedKeys();
    await expect(withKey(NEW_KEY).rewrap.rewrap(WRONG_KEY)).rejects.toThrow(
      new KeyringError(
        `the old master key opens none of the 1 encryption keys (${before[0].id} open with neither it nor BRAIN_MASTER_KEY): nothing changed`,
      ),
    );
    expect(await wrappedKeys()).toEqual(before);
    expect(await withKey(OLD_KEY).secrets.get('a')).toBe('alpha');
  });

  it('rolls back the keys it re-wrapped when another opens with neither key', async () => {
    const old = withKey(OLD_KEY);
    await old.secrets.put('a', 'alpha');
    await old.keyring.rotate();
    await old.secrets.put('b', 'beta');
    // A second data key wrapped with yet another master key (a mistake of the past).
    const stray = withKey(WRONG_KEY);
    await storage.db
      .updateTable('encryption_keys')
      .set({ status: 'retired', retired_at: new Date().toISOString() })
      .where('status', '=', 'active')
      .execute();
    await stray.secrets.put('c', 'gamma');
    const before = await wrappedKeys();
    expect(before).toHaveLength(2);
    await expect(withKey(NEW_KEY).rewrap.rewrap(OLD_KEY)).rejects.toThrow(
      /opens not all of the 2 encryption keys .*: nothing changed$/,
    );
    expect(await wrappedKeys()).toEqual(before);
  });

  it('needs BRAIN_MASTER_KEY, and an old key of a master key’s length', async () => {
    await expect(withKey(undefined).rewrap.rewrap(OLD_KEY)).rejects.toThrow(
      /BRAIN_MASTER_KEY is not set/,
    );
    await expect(withKey(NEW_KEY).rewrap.rewrap('short')).rejects.toThrow(
      'the old master key is too short: a master key has at least 32 characters',
    );
  });
});
