import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfigService } from '@brain/config';
import { ApiKeyStore } from '@brain/storage';

/**
 * Keys from the environment: ADMIN_API_KEY becomes an admin key, so a new install can be reached;
 * METRICS_API_KEY a viewer key, for Prometheus to scrape /metrics with.
 */
@Injectable()
export class ApiKeySeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('ApiKeys');

  constructor(
    private readonly config: AppConfigService,
    private readonly keys: ApiKeyStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.adminApiKey;
    if (admin) {
      const key = await this.keys.seed('ADMIN_API_KEY', admin, 'admin');
      this.logger.log(`admin key from ADMIN_API_KEY ready (id ${key.id})`);
    } else {
      this.logger.warn(
        'ADMIN_API_KEY is not set: only keys already in the database can call the API',
      );
    }
    const metrics = this.config.metricsApiKey;
    if (metrics) {
      const key = await this.keys.seed('METRICS_API_KEY', metrics, 'viewer');
      this.logger.log(`viewer key from METRICS_API_KEY ready (id ${key.id})`);
    }
  }
}
