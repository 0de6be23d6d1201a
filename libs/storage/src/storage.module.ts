import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { AppConfigService, type DatabaseConfig } from '@brain/config';
import { ApiKeyStore } from './api-keys/api-key.store';
import { AuditLog } from './audit/audit-log';
import { createDatabase, type Storage } from './create-database';
import { migrate } from './migrate';
import { RequestStats } from './requests/request-stats';
import { StorageHealth } from './storage-health';
import { STORAGE } from './storage.tokens';
import { DatabaseUpkeep } from './upkeep/database-upkeep';

export interface StorageModuleOptions {
  /** The database to use instead of AppConfigService's (DATABASE_URL); for tests. */
  database?: DatabaseConfig;
}

/** Closes the database once everything else has stopped (after beforeApplicationShutdown). */
@Injectable()
class StorageCloser implements OnApplicationShutdown {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}

const REPOSITORIES = [ApiKeyStore, AuditLog, RequestStats, StorageHealth, DatabaseUpkeep];

/**
 * The relational database (DATABASE_URL: SQLite or PostgreSQL), migrated before the
 * application starts, and its repositories. Global: import `StorageModule.forRoot()` once.
 */
@Module({})
export class StorageModule {
  static forRoot(options: StorageModuleOptions = {}): DynamicModule {
    const explicit = options.database;
    const storage: Provider = {
      provide: STORAGE,
      useFactory: (config?: AppConfigService) =>
        open(explicit ?? (config as AppConfigService).database),
      inject: explicit ? [] : [AppConfigService],
    };
    return {
      module: StorageModule,
      global: true,
      providers: [storage, StorageCloser, ...REPOSITORIES],
      exports: [STORAGE, ...REPOSITORIES],
    };
  }
}

/** Opens and migrates; a database that cannot be migrated stops the boot. */
async function open(config: DatabaseConfig): Promise<Storage> {
  const storage = createDatabase(config);
  try {
    const applied = await migrate(storage);
    if (applied.length > 0) {
      new Logger(StorageModule.name).log(`database migrated: ${applied.join(', ')}`);
    }
    return storage;
  } catch (err) {
    await storage.close();
    throw err;
  }
}
