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
import { CacheStore } from './cache/cache-store';
import { createDatabase, type Storage } from './create-database';
import { Keyring, type KeyringOptions } from './crypto/keyring';
import { MasterKeyRewrap } from './crypto/master-key-rewrap';
import { SecretStore } from './crypto/secret-store';
import { migrate } from './migrate';
import { RequestStats } from './requests/request-stats';
import { StorageHealth } from './storage-health';
import { KEYRING_OPTIONS, STORAGE } from './storage.tokens';
import { DatabaseUpkeep } from './upkeep/database-upkeep';

export interface StorageModuleOptions {
  /** The database to use instead of AppConfigService's (DATABASE_URL); for tests. */
  database?: DatabaseConfig;
  /**
   * The keyring's master key instead of AppConfigService's (BRAIN_MASTER_KEY); for tests. Unset
   * and without AppConfigService, the Keyring and SecretStore fail when used (not at start-up).
   */
  masterKey?: string;
}

/** Closes the database once everything else has stopped (after beforeApplicationShutdown). */
@Injectable()
class StorageCloser implements OnApplicationShutdown {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}

const REPOSITORIES = [
  ApiKeyStore,
  AuditLog,
  RequestStats,
  StorageHealth,
  DatabaseUpkeep,
  CacheStore,
  Keyring,
  SecretStore,
  MasterKeyRewrap,
];

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
    const keyring: Provider = {
      provide: KEYRING_OPTIONS,
      useFactory: (config?: AppConfigService): KeyringOptions => ({
        masterKey: options.masterKey ?? config?.masterKey,
      }),
      // Optional: a module given its database may run without the configuration module.
      inject: [{ token: AppConfigService, optional: true }],
    };
    return {
      module: StorageModule,
      global: true,
      providers: [storage, keyring, StorageCloser, ...REPOSITORIES],
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
