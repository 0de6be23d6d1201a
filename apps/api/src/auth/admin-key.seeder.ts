import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfigService } from '@brain/config';
import { ApiKeyStore } from '@brain/storage';

/** ADMIN_API_KEY from the environment becomes an admin key, so a new install can be reached. */
@Injectable()
export class AdminKeySeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('ApiKeys');

  constructor(
    private readonly config: AppConfigService,
    private readonly keys: ApiKeyStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const secret = this.config.adminApiKey;
    if (!secret) {
      this.logger.warn(
        'ADMIN_API_KEY is not set: only keys already in the database can call the API',
      );
      return;
    }
    const key = await this.keys.seed('ADMIN_API_KEY', secret, 'admin');
    this.logger.log(`admin key from ADMIN_API_KEY ready (id ${key.id})`);
  }
}
