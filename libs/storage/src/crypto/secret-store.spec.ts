import type { DatabaseConfig } from '@brain/config';
import { dropTestDatabase, eachDialect } from '../../../../test/support/databases';
import { createDatabase, type Storage } from '../create-database';
import { migrate } from '../migrate';
import { Keyring, KeyringError } from './keyring';
import { SecretStore } from './secret-store';

const MASTER_KEY = 'secret-store-spec-master-key-0123456789';

/**
 * The message a database call failed with. Not `rejects.toThrow()`: better-sqlite3's errors may
 * come from another Jest module realm, where they are not `instanceof Error` (see migrate.ts).
 */
async function failureOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (err) {
    return String((err as { message?: unknown } | null)?.message ?? err);
  }
  throw new Error('expected the database to refuse');
}

describe.each(eachDialect)('SecretStore (%s)', (_dialect, newDatabase) => {
  let config: DatabaseConfig;
  let storage: Storage;
  let keyring: Keyring;
  let secrets: SecretStore;

  beforeAll(async () => {
    config = await newDatabase('secrets');
    storage = createDatabase(config);
    await migrate(storage);
    keyring = new Keyring(storage, { masterKey: MASTER_KEY });
    secrets = new SecretStore(storage, keyring);
  });

  beforeEach(async () => {
    jest.restoreAllMocks();
    await storage.db.deleteFrom('sealed_secrets').execute();
  });

  afterAll(async () => {
    await storage.close();
    await dropTestDatabase(config);
  });

  const row = (name: string) =>
    storage.db
      .selectFrom('sealed_secrets')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirstOrThrow();

  it('puts, gets, replaces, lists and deletes secrets', async () => {
    await secrets.put('webhook:orders', 'whsec_first');
    await secrets.put('api:partner', 'p@ss wörd');
    await secrets.put('empty', '');
    expect(await secrets.get('webhook:orders')).toBe('whsec_first');
    expect(await secrets.get('api:partner')).toBe('p@ss wörd');
    expect(await secrets.get('empty')).toBe('');
    expect(await secrets.get('missing')).toBeUndefined();
    expect(await secrets.list()).toEqual(['api:partner', 'empty', 'webhook:orders']);

    const before = await row('webhook:orders');
    await new Promise((wake) => setTimeout(wake, 5));
    await secrets.put('webhook:orders', 'whsec_second');
    const after = await row('webhook:orders');
    expect(await secrets.get('webhook:orders')).toBe('whsec_second');
    expect(after.created_at).toBe(before.created_at);
    expect(after.updated_at > before.updated_at).toBe(true);

    expect(await secrets.delete('webhook:orders')).toBe(true);
    expect(await secrets.delete('webhook:orders')).toBe(false);
    expect(await secrets.get('webhook:orders')).toBeUndefined();
    expect(await secrets.list()).toEqual(['api:partner', 'empty']);
  });

  it('stores only ciphertext, sealed with the active key', async () => {
    await secrets.put('s', 'plain-secret-value');
    const stored = await row('s');
    expect(stored.key_id).toBe(await keyring.activeKeyId());
    expect(stored.ciphertext).not.toContain('plain-secret-value');
    expect(Buffer.from(stored.ciphertext, 'base64').toString('latin1')).not.toContain(
      'plain-secret-value',
    );
  });

  it('binds a secret to its name: a ciphertext copied to another name does not open', async () => {
    await secrets.put('a', 'value-a');
    await secrets.put('b', 'value-b');
    const a = await row('a');
    await storage.db
      .updateTable('sealed_secrets')
      .set({ key_id: a.key_id, ciphertext: a.ciphertext })
      .where('name', '=', 'b')
      .execute();
    await expect(secrets.get('b')).rejects.toThrow(KeyringError);
    expect(await secrets.get('a')).toBe('value-a');
  });

  it('a put whose key a rotation removed meanwhile seals again with the active key', async () => {
    const seal = jest.spyOn(keyring, 'seal');
    seal.mockResolvedValueOnce({ keyId: 'removed-by-a-rotation', ciphertext: 'AAAA' });
    await secrets.put('s', 'value');
    expect(seal).toHaveBeenCalledTimes(2);
    expect(await secrets.get('s')).toBe('value');
    expect((await row('s')).key_id).toBe(await keyring.activeKeyId());

    // It does not loop for ever.
    seal.mockResolvedValue({ keyId: 'removed-by-a-rotation', ciphertext: 'AAAA' });
    expect(await failureOf(secrets.put('t', 'value'))).toMatch(/foreign key/i);
    expect(seal).toHaveBeenCalledTimes(5);
  });

  it('refuses empty names and non-string values', async () => {
    await expect(secrets.put('', 'x')).rejects.toThrow(/non-empty string/);
    await expect(secrets.put('n', 42 as unknown as string)).rejects.toThrow(/must be a string/);
    expect(await secrets.list()).toEqual([]);
  });

  it('survives rotations and is readable by another process with the same master key', async () => {
    await secrets.put('s', 'value');
    await keyring.rotate();
    await secrets.put('t', 'value-t');
    await keyring.rotate();
    const elsewhere = new SecretStore(storage, new Keyring(storage, { masterKey: MASTER_KEY }));
    expect(await elsewhere.get('s')).toBe('value');
    expect(await elsewhere.get('t')).toBe('value-t');
  });
});
