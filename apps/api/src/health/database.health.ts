import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { StorageHealth } from '@brain/storage';

@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly storage: StorageHealth,
  ) {}

  async check(key: string) {
    const session = this.health.check(key);
    try {
      await this.storage.ping();
      return session.up();
    } catch (err) {
      return session.down({ message: (err as Error).message });
    }
  }
}
