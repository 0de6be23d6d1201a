import type { DatabaseConfig } from '@brain/config';
import { sql } from 'kysely';
import { dropTestDatabase, eachDialect } from '../../../../test/support/databases';
import { waitFor } from '../../../../test/support/wait';
import { createDatabase, type Storage } from '../create-database';
import { migrate } from '../migrate';
import { Keyring, KeyringError } from './keyring';
import { SecretStore } from './secret-store';

const MASTER_KEY = 'keyring-spec-master-key-0123456789abcdef';
const OTHER_MASTER_KEY = 'another-master-key-of-enough-length-42!!';

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

describe.each(eachDialect)('Keyring (%s)', (dialect, newDatabase) => {
  let config: DatabaseConfig;
  let storage: Storage;
  /** Separate connections (pools) for real concurrency on PostgreSQL; on SQLite the same one. */
  let other: Storage;
  let keyring: Keyring;
  let secrets: SecretStore;

  beforeAll(async () => {
    config = await newDatabase('keyring');
    storage = createDatabase(config);
    await migrate(storage);
    // Two better-sqlite3 connections in one thread would stall each other on the write lock.
    other = dialect === 'postgres' ? createDatabase(config) : storage;
    keyring = new Keyring(storage, { masterKey: MASTER_KEY });
    secrets = new SecretStore(storage, keyring);
  });

  beforeEach(async () => {
    await storage.db.deleteFrom('sealed_secrets').execute();
    await storage.db.deleteFrom('encryption_keys').execute();
  });

  afterAll(async () => {
    if (other !== storage) await other.close();
    await storage.close();
    await dropTestDatabase(config);
  });

  /**
   * Waits until a rotation started meanwhile is held up by the other connection's open
   * transaction: on PostgreSQL a backend then waits for a lock; on SQLite it cannot even begin
   * before that transaction ends (one connection).
   */
  const rotationBlocked = async () => {
    if (dialect !== 'postgres') return;
    await waitFor(async () => {
      const { rows } = await sql<{ waiting: number }>`
        select count(*)::int as waiting from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`.execute(storage.db);
      return rows[0].waiting > 0 ? true : undefined;
    }, 'the rotation to wait for the other transaction');
  };

  const keys = () =>
    storage.db
      .selectFrom('encryption_keys')
      .select(['id', 'status', 'retired_at'])
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  const keyIdsOfSecrets = async () =>
    (await storage.db.selectFrom('sealed_secrets').select('key_id').distinct().execute()).map(
      (r) => r.key_id,
    );

  it('seals and opens, with a fresh IV each time, bound to its context', async () => {
    for (const plaintext of ['whsec_0123456789', '', 'ünïcødé ✓ 🔑', 'x'.repeat(10_000)]) {
      const sealed = await keyring.seal(plaintext);
      expect(await keyring.open(sealed.keyId, sealed.ciphertext)).toBe(plaintext);
      // iv (12) | tag (16) | data
      expect(Buffer.from(sealed.ciphertext, 'base64')).toHaveLength(
        28 + Buffer.byteLength(plaintext),
      );
    }
    const a = await keyring.seal('same', 'webhook:a');
    const b = await keyring.seal('same', 'webhook:a');
    expect(a.keyId).toBe(b.keyId);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(await keyring.open(a.keyId, a.ciphertext, 'webhook:a')).toBe('same');
    await expect(keyring.open(a.keyId, a.ciphertext, 'webhook:b')).rejects.toThrow(
      /the ciphertext is corrupt or belongs to something else/,
    );
    await expect(keyring.open(a.keyId, a.ciphertext)).rejects.toThrow(KeyringError);
    await expect(keyring.open('no-such-key', a.ciphertext, 'webhook:a')).rejects.toThrow(
      /unknown encryption key no-such-key/,
    );
  });

  it('makes one active key on first use and stores it wrapped, never in the clear', async () => {
    expect(await keys()).toEqual([]);
    const [first, second] = await Promise.all([keyring.activeKeyId(), keyring.activeKeyId()]);
    expect(second).toBe(first);
    expect(await keys()).toEqual([{ id: first, status: 'active', retired_at: null }]);
    const { wrapped_key } = await storage.db
      .selectFrom('encryption_keys')
      .select('wrapped_key')
      .executeTakeFirstOrThrow();
    expect(Buffer.from(wrapped_key, 'base64')).toHaveLength(12 + 16 + 32);
    // Another process (another Keyring, same master key) uses the same key.
    const elsewhere = new Keyring(other, { masterKey: MASTER_KEY });
    expect(await elsewhere.activeKeyId()).toBe(first);
    const sealed = await keyring.seal('shared');
    expect(await elsewhere.open(sealed.keyId, sealed.ciphertext)).toBe('shared');
  });

  it('the database refuses a second active key', async () => {
    await keyring.activeKeyId();
    const refused = await failureOf(
      storage.db
        .insertInto('encryption_keys')
        .values({
          id: 'second-active',
          wrapped_key: 'AAAA',
          status: 'active',
          created_at: new Date().toISOString(),
          retired_at: null,
        })
        .execute(),
    );
    expect(refused).toMatch(/unique/i);
    expect(await keys()).toHaveLength(1);
  });

  it('rotation re-seals the old secrets, which stay readable, and removes the unused key', async () => {
    await secrets.put('webhook:a', 'secret-a');
    await secrets.put('webhook:b', 'secret-b');
    await secrets.put('webhook:c', 'secret-c');
    const before = await keyring.activeKeyId();
    const stray = await keyring.seal('not in sealed_secrets');

    const outcome = await keyring.rotate();
    expect(outcome).toEqual({
      new_key_id: expect.any(String),
      retired_key_ids: [before],
      resealed: 3,
      removed_key_ids: [before],
      unreadable_secrets: [],
    });
    expect(outcome.new_key_id).not.toBe(before);
    expect(await keyring.activeKeyId()).toBe(outcome.new_key_id);
    expect(await keys()).toEqual([{ id: outcome.new_key_id, status: 'active', retired_at: null }]);
    expect(await keyIdsOfSecrets()).toEqual([outcome.new_key_id]);
    expect(await secrets.get('webhook:a')).toBe('secret-a');
    expect(await secrets.get('webhook:b')).toBe('secret-b');
    expect(await secrets.get('webhook:c')).toBe('secret-c');
    // A fresh process, with nothing cached, reads them too.
    const fresh = new SecretStore(other, new Keyring(other, { masterKey: MASTER_KEY }));
    expect(await fresh.get('webhook:b')).toBe('secret-b');
    // What was sealed outside the SecretStore is not tracked: its key is gone.
    await expect(keyring.open(stray.keyId, stray.ciphertext)).rejects.toThrow(
      /unknown encryption key .* removed by a rotation/,
    );
  });

  it('keeps a retired key while a secret uses it, and removes it once unused', async () => {
    await secrets.put('good', 'fine');
    await secrets.put('broken', 'will be corrupted');
    const first = await keyring.activeKeyId();
    // The row is damaged: it cannot be opened, so it cannot be re-sealed.
    const { ciphertext } = await storage.db
      .selectFrom('sealed_secrets')
      .select('ciphertext')
      .where('name', '=', 'broken')
      .executeTakeFirstOrThrow();
    const damaged = Buffer.from(ciphertext, 'base64');
    damaged[damaged.length - 1] ^= 0xff;
    await storage.db
      .updateTable('sealed_secrets')
      .set({ ciphertext: damaged.toString('base64') })
      .where('name', '=', 'broken')
      .execute();

    const rotation = await keyring.rotate();
    expect(rotation).toMatchObject({
      retired_key_ids: [first],
      resealed: 1,
      removed_key_ids: [],
      unreadable_secrets: ['broken'],
    });
    expect((await keys()).map((k) => [k.id, k.status])).toEqual([
      [first, 'retired'],
      [rotation.new_key_id, 'active'],
    ]);
    expect((await keys())[0].retired_at).toEqual(expect.any(String));
    // Referenced: the database itself will not let it go.
    expect(
      await failureOf(storage.db.deleteFrom('encryption_keys').where('id', '=', first).execute()),
    ).toMatch(/foreign key/i);
    expect(await secrets.get('good')).toBe('fine');
    await expect(secrets.get('broken')).rejects.toThrow(KeyringError);

    // Replacing the broken secret seals it with the active key: the old key is now unused.
    await secrets.put('broken', 'repaired');
    const next = await keyring.rotate();
    expect(next).toMatchObject({
      retired_key_ids: [rotation.new_key_id],
      resealed: 2,
      unreadable_secrets: [],
    });
    expect(next.removed_key_ids.sort()).toEqual([first, rotation.new_key_id].sort());
    expect(await keys()).toEqual([{ id: next.new_key_id, status: 'active', retired_at: null }]);
    expect(await secrets.get('broken')).toBe('repaired');
  });

  it('rotates again and again; each rotation leaves only the new key', async () => {
    await secrets.put('s', 'value');
    const ids = [await keyring.activeKeyId()];
    for (let i = 0; i < 3; i++) {
      const outcome = await keyring.rotate();
      expect(outcome).toMatchObject({
        retired_key_ids: [ids[ids.length - 1]],
        resealed: 1,
        removed_key_ids: [ids[ids.length - 1]],
      });
      ids.push(outcome.new_key_id);
      expect(await keys()).toEqual([
        { id: outcome.new_key_id, status: 'active', retired_at: null },
      ]);
      expect(await secrets.get('s')).toBe('value');
    }
    expect(new Set(ids).size).toBe(4);
  });

  it('a first rotation on an empty keyring makes the first key', async () => {
    expect(await keyring.rotate()).toEqual({
      new_key_id: expect.any(String),
      retired_key_ids: [],
      resealed: 0,
      removed_key_ids: [],
      unreadable_secrets: [],
    });
    expect(await keys()).toHaveLength(1);
  });

  it('fails clearly with the wrong master key, and a rotation then changes nothing', async () => {
    await secrets.put('s', 'value');
    const sealed = await keyring.seal('v');
    const before = await keys();
    const wrong = new Keyring(other, { masterKey: OTHER_MASTER_KEY });
    const wrongKey =
      /^cannot unwrap encryption key .*: BRAIN_MASTER_KEY is not the master key it was sealed with$/;

    await expect(wrong.open(sealed.keyId, sealed.ciphertext)).rejects.toThrow(wrongKey);
    await expect(wrong.seal('x')).rejects.toThrow(wrongKey);
    await expect(wrong.activeKeyId()).rejects.toThrow(wrongKey);
    await expect(new SecretStore(other, wrong).get('s')).rejects.toThrow(wrongKey);
    await expect(new SecretStore(other, wrong).put('t', 'x')).rejects.toThrow(wrongKey);
    await expect(wrong.rotate()).rejects.toThrow(wrongKey);
    await expect(wrong.rotate()).rejects.toThrow(KeyringError);

    expect(await keys()).toEqual(before);
    expect(await secrets.list()).toEqual(['s']);
    expect(await secrets.get('s')).toBe('value');
  });

  it('fails clearly without a master key, and only when used', async () => {
    await secrets.put('s', 'value');
    const sealed = await keyring.seal('v');
    for (const options of [{}, { masterKey: undefined }, { masterKey: '' }]) {
      const none = new Keyring(storage, options);
      const store = new SecretStore(storage, none);
      const unset = /^BRAIN_MASTER_KEY is not set: /;
      await expect(none.seal('x')).rejects.toThrow(unset);
      await expect(none.open(sealed.keyId, sealed.ciphertext)).rejects.toThrow(unset);
      await expect(none.rotate()).rejects.toThrow(unset);
      await expect(none.activeKeyId()).rejects.toThrow(unset);
      await expect(store.get('s')).rejects.toThrow(unset);
      await expect(store.get('missing')).rejects.toThrow(unset);
      await expect(store.put('t', 'x')).rejects.toThrow(unset);
      // Names are not secret.
      expect(await store.list()).toEqual(['s']);
    }
    const short = new Keyring(storage, { masterKey: 'too-short' });
    await expect(short.seal('x')).rejects.toThrow(
      /^BRAIN_MASTER_KEY is too short: it must be at least 32 characters long$/,
    );
    await expect(short.seal('x')).rejects.not.toThrow(/too-short/);
  });

  it('keeps the master key and the data keys out of what it shows', async () => {
    await keyring.seal('x');
    const shown = JSON.stringify(Object.entries(keyring)) + String(Object.keys(keyring));
    expect(shown).not.toContain(MASTER_KEY);
  });

  it('concurrent rotations both succeed; one key stays active, secrets stay readable', async () => {
    await secrets.put('a', 'value-a');
    await secrets.put('b', 'value-b');
    const first = await keyring.activeKeyId();
    const racers = [keyring, new Keyring(other, { masterKey: MASTER_KEY })];
    const outcomes = await Promise.all(racers.map((k) => k.rotate()));

    const newIds = outcomes.map((o) => o.new_key_id);
    expect(new Set(newIds).size).toBe(2);
    const rows = await keys();
    expect(rows.filter((k) => k.status === 'active')).toHaveLength(1);
    const active = rows.find((k) => k.status === 'active')?.id;
    expect(newIds).toContain(active);
    // Every key retired exactly once: the first, then the winner's.
    expect(outcomes.flatMap((o) => o.retired_key_ids).sort()).toEqual(
      [first, newIds.find((id) => id !== active)].sort(),
    );
    expect(await secrets.get('a')).toBe('value-a');
    expect(await secrets.get('b')).toBe('value-b');
    // Whatever is left is in use, or is the active key: the next rotation tidies it all.
    const used = new Set([...(await keyIdsOfSecrets()), active]);
    for (const row of rows) expect(used.has(row.id)).toBe(true);
    await keyring.rotate();
    expect(await keys()).toHaveLength(1);
  });

  it('a rotation that loses the race for the active key retries on top of the winner', async () => {
    await secrets.put('s', 'value');
    const first = await keyring.activeKeyId();
    // Another process's rotation, caught between its swap and its commit.
    const winner = new Keyring(other, { masterKey: MASTER_KEY });
    const winnerKey = winner['newKey'](new Date());
    const trx = await other.db.startTransaction().execute();
    await trx
      .updateTable('encryption_keys')
      .set({ status: 'retired', retired_at: new Date().toISOString() })
      .where('status', '=', 'active')
      .execute();
    await trx.insertInto('encryption_keys').values(winnerKey).execute();

    // On PostgreSQL it waits for the winner's row lock; on SQLite for the one connection.
    const rotation = keyring.rotate();
    await rotationBlocked();
    await trx.commit().execute();
    const outcome = await rotation;

    expect(outcome.retired_key_ids).toEqual([winnerKey.id]);
    expect(outcome.removed_key_ids.sort()).toEqual([first, winnerKey.id].sort());
    expect(outcome.resealed).toBe(1);
    expect(await keys()).toEqual([{ id: outcome.new_key_id, status: 'active', retired_at: null }]);
    expect(await secrets.get('s')).toBe('value');
  });

  it('keeps a retired key that a secret written during the rotation names', async () => {
    const first = await keyring.activeKeyId();
    // A put that sealed with the active key before the swap, and writes after the re-seal pass.
    const sealed = await keyring.seal('late value', 'late');
    const now = new Date().toISOString();
    const trx = await other.db.startTransaction().execute();
    await trx
      .insertInto('sealed_secrets')
      .values({
        name: 'late',
        key_id: first,
        ciphertext: sealed.ciphertext,
        created_at: now,
        updated_at: now,
      })
      .execute();

    const rotation = keyring.rotate();
    await rotationBlocked();
    await trx.commit().execute();
    const outcome = await rotation;

    expect(outcome.retired_key_ids).toEqual([first]);
    if (dialect === 'postgres') {
      // The delete waited for the insert, then met the foreign key: the key stays.
      expect(outcome).toMatchObject({ resealed: 0, removed_key_ids: [] });
      expect((await keys()).map((k) => k.id)).toContain(first);
    } else {
      // One connection: the rotation ran after the insert and re-sealed it.
      expect(outcome).toMatchObject({ resealed: 1, removed_key_ids: [first] });
    }
    expect(await secrets.get('late')).toBe('late value');
    const next = await keyring.rotate();
    expect(next.unreadable_secrets).toEqual([]);
    expect(await keys()).toEqual([{ id: next.new_key_id, status: 'active', retired_at: null }]);
    expect(await secrets.get('late')).toBe('late value');
  });

  it('secrets put and read during a rotation all stay readable', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `secret-${String(i).padStart(2, '0')}`);
    for (const name of names.slice(0, 20)) await secrets.put(name, `old-${name}`);
    const writer = new SecretStore(other, new Keyring(other, { masterKey: MASTER_KEY }));

    const expected = new Map(names.slice(0, 20).map((n) => [n, `old-${n}`]));
    const reads: Array<Promise<void>> = [];
    const work = (async () => {
      for (const [i, name] of names.entries()) {
        // Overwrites half of the old ones and adds new ones, while reading the others.
        const value = `new-${name}`;
        await writer.put(name, value);
        expected.set(name, value);
        if (i < 20) {
          const peer = names[19 - i];
          const want = expected.get(peer);
          reads.push(
            writer.get(peer).then((got) => {
              // Either the value before or after its own overwrite, never garbage or an error.
              expect([want, `new-${peer}`, `old-${peer}`]).toContain(got);
            }),
          );
        }
      }
    })();
    const rotations = (async () => {
      const done = [];
      for (let i = 0; i < 3; i++) done.push(await keyring.rotate());
      return done;
    })();
    const [, outcomes] = await Promise.all([work, rotations]);
    await Promise.all(reads);

    for (const name of names) expect(await secrets.get(name)).toBe(expected.get(name));
    expect(await secrets.list()).toEqual(names);
    expect(outcomes.every((o) => o.unreadable_secrets.length === 0)).toBe(true);
    // Every secret names an existing key (the foreign key guarantees it) and opens with it.
    const rows = await storage.db
      .selectFrom('sealed_secrets')
      .select(['name', 'key_id', 'ciphertext'])
      .execute();
    for (const row of rows) {
      expect(await keyring.open(row.key_id, row.ciphertext, row.name)).toBe(expected.get(row.name));
    }
  });
});
