import { Test } from '@nestjs/testing';
import { BrainConfigModule } from '@brain/config';
import { dropTestDatabase, eachDialect } from '../../../test/support/databases';
import { ApiKeyStore } from './api-keys/api-key.store';
import { AuditLog } from './audit/audit-log';
import { CacheStore } from './cache/cache-store';
import { createDatabase, type Storage } from './create-database';
import { Keyring } from './crypto/keyring';
import { SecretStore } from './crypto/secret-store';
import { RequestStats } from './requests/request-stats';
import { StorageHealth } from './storage-health';
import { StorageModule } from './storage.module';
import { STORAGE } from './storage.tokens';

describe.each(eachDialect)('StorageModule (%s)', (dialect, newDatabase) => {
  it('migrates at start-up, serves the repositories, flushes and closes on shutdown', async () => {
    const database = await newDatabase('module');
    try {
      const moduleRef = await Test.createTestingModule({
        imports: [StorageModule.forRoot({ database })],
      }).compile();
      await moduleRef.init();

      const storage = moduleRef.get<Storage>(STORAGE);
      expect(storage.dialect).toBe(dialect);
      await moduleRef.get(StorageHealth).ping();
      const { secret } = await moduleRef.get(ApiKeyStore).create({ name: 'k', role: 'viewer' });
      await moduleRef.get(AuditLog).record({ principal: 'k', action: 'key.create' });
      moduleRef.get(RequestStats).add({
        at: new Date('2030-01-01T00:00:00Z'),
        method: 'GET',
        route: '/api/x',
        status: 200,
        durationMs: 3,
        principal: 'k',
      });

      await moduleRef.close();
      await expect(storage.db.selectFrom('api_keys').selectAll().execute()).rejects.toThrow();

      // The unwritten request counts were flushed before the database closed.
      const reopened = createDatabase(database);
      try {
        const stats = new RequestStats(reopened);
        expect(await stats.daily('2030-01-01')).toMatchObject({
          api_requests: { total: 1 },
          users: { unique_active: 1 },
        });
        expect(await new ApiKeyStore(reopened).authenticate(secret)).toBeDefined();
      } finally {
        await reopened.close();
      }
    } finally {
      await dropTestDatabase(database);
    }
  });
});

describe('StorageModule keyring', () => {
  const saved = process.env.BRAIN_MASTER_KEY;
  afterEach(() => {
    if (saved === undefined) delete process.env.BRAIN_MASTER_KEY;
    else process.env.BRAIN_MASTER_KEY = saved;
  });

  const boot = async (imports: Parameters<typeof Test.createTestingModule>[0]['imports']) => {
    const moduleRef = await Test.createTestingModule({ imports }).compile();
    await moduleRef.init();
    return moduleRef;
  };

  it('serves the cache, the keyring and the secrets, with the master key given', async () => {
    const database = await eachDialect[0][1]('module_keyring');
    try {
      const moduleRef = await boot([
        StorageModule.forRoot({ database, masterKey: 'module-spec-master-key-0123456789abc' }),
      ]);
      await moduleRef.get(CacheStore).set('k', { v: 1 });
      expect(await moduleRef.get(CacheStore).get('k')).toEqual({ v: 1 });
      await moduleRef.get(SecretStore).put('s', 'value');
      expect(await moduleRef.get(SecretStore).get('s')).toBe('value');
      expect(moduleRef.get(Keyring)).toBeInstanceOf(Keyring);
      await moduleRef.close();
    } finally {
      await dropTestDatabase(database);
    }
  });

  it('starts without a master key; the keyring fails clearly when used', async () => {
    const database = await eachDialect[0][1]('module_no_master_key');
    try {
      for (const imports of [
        [StorageModule.forRoot({ database })],
        [BrainConfigModule.forRoot({ ignoreEnvFile: true }), StorageModule.forRoot({ database })],
      ]) {
        delete process.env.BRAIN_MASTER_KEY;
        const moduleRef = await boot(imports);
        await expect(moduleRef.get(SecretStore).put('s', 'v')).rejects.toThrow(
          /^BRAIN_MASTER_KEY is not set: /,
        );
        await expect(moduleRef.get(Keyring).rotate()).rejects.toThrow(
          /^BRAIN_MASTER_KEY is not set: /,
        );
        await moduleRef.close();
      }
    } finally {
      await dropTestDatabase(database);
    }
  });

  it('takes the master key from BRAIN_MASTER_KEY when none is given', async () => {
    const database = await eachDialect[0][1]('module_env_master_key');
    try {
      process.env.BRAIN_MASTER_KEY = 'env-master-key-0123456789abcdefghij';
      const fromEnv = await boot([
        BrainConfigModule.forRoot({ ignoreEnvFile: true }),
        StorageModule.forRoot({ database }),
      ]);
      await fromEnv.get(SecretStore).put('s', 'value');
      await fromEnv.close();
      const { ciphertext, key_id } = await (async () => {
        const storage = createDatabase(database);
        try {
          return await storage.db
            .selectFrom('sealed_secrets')
            .selectAll()
            .executeTakeFirstOrThrow();
        } finally {
          await storage.close();
        }
      })();

      // The same key given explicitly opens it; the explicit option wins over the environment.
      const explicit = await boot([
        BrainConfigModule.forRoot({ ignoreEnvFile: true }),
        StorageModule.forRoot({ database, masterKey: 'env-master-key-0123456789abcdefghij' }),
      ]);
      expect(await explicit.get(Keyring).open(key_id, ciphertext, 's')).toBe('value');
      await explicit.close();
      const other = await boot([
        BrainConfigModule.forRoot({ ignoreEnvFile: true }),
        StorageModule.forRoot({ database, masterKey: 'a-different-master-key-0123456789abc' }),
      ]);
      await expect(other.get(SecretStore).get('s')).rejects.toThrow(
        /BRAIN_MASTER_KEY is not the master key/,
      );
      await other.close();
    } finally {
      await dropTestDatabase(database);
    }
  });
});

describe('StorageModule.forRoot() without options', () => {
  const saved = process.env.DATABASE_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  });

  it('opens the database of DATABASE_URL', async () => {
    const database = await eachDialect[0][1]('module_env');
    if (database.kind !== 'sqlite') throw new Error('expected SQLite');
    process.env.DATABASE_URL = `sqlite://${database.path}`;
    try {
      const moduleRef = await Test.createTestingModule({
        imports: [BrainConfigModule.forRoot({ ignoreEnvFile: true }), StorageModule.forRoot()],
      }).compile();
      const listed = await moduleRef.get(ApiKeyStore).list();
      expect(listed).toEqual([]);
      await moduleRef.close();
    } finally {
      await dropTestDatabase(database);
    }
  });

  it('fails the boot when the database is unreachable', async () => {
    process.env.DATABASE_URL = 'postgres://u@127.0.0.1:1/db';
    await expect(
      Test.createTestingModule({
        imports: [BrainConfigModule.forRoot({ ignoreEnvFile: true }), StorageModule.forRoot()],
      }).compile(),
    ).rejects.toThrow(/database migration failed: .*ECONNREFUSED/);
  });
});
