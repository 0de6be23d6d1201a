import { sql } from 'kysely';
import { dropTestDatabase, eachDialect, testPostgresConfig } from '../../../test/support/databases';
import { createDatabase } from './create-database';
import { StorageHealth } from './storage-health';

describe.each(eachDialect)('StorageHealth (%s)', (dialect, newDatabase) => {
  it('pings a live database', async () => {
    const config = await newDatabase('health');
    const storage = createDatabase(config);
    try {
      const health = new StorageHealth(storage);
      await expect(health.ping()).resolves.toBeUndefined();
      expect(health.dialect).toBe(dialect);
    } finally {
      await storage.close();
      await dropTestDatabase(config);
    }
  });
});

describe('StorageHealth.ping', () => {
  it('rejects when the database does not answer in time', async () => {
    const config = await testPostgresConfig('health_timeout');
    const storage = createDatabase(config);
    try {
      // Every pooled connection busy: the probe waits for one.
      const sleepers = Array.from({ length: 5 }, () => sql`select pg_sleep(1)`.execute(storage.db));
      await expect(new StorageHealth(storage).ping(100)).rejects.toThrow(
        'database did not answer within 100 ms',
      );
      await Promise.all(sleepers);
    } finally {
      await storage.close();
      await dropTestDatabase(config);
    }
  });
});
