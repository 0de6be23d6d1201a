import { Test } from '@nestjs/testing';
import { BrainConfigModule } from '@brain/config';
import { dropTestDatabase, eachDialect } from '../../../test/support/databases';
import { ApiKeyStore } from './api-keys/api-key.store';
import { AuditLog } from './audit/audit-log';
import { createDatabase, type Storage } from './create-database';
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
