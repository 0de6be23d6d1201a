import type { FactoryProvider } from '@nestjs/common';
import { AppConfigService } from '@brain/config';
import { RedisConnection } from '@brain/tasks';
import { AuthFailureLimit } from './auth-failure-limit';

/** The limit on the process's shared Redis client, as AUTH_RATE_LIMIT says. */
export const authFailureLimitProvider: FactoryProvider<AuthFailureLimit> = {
  provide: AuthFailureLimit,
  inject: [RedisConnection, AppConfigService],
  useFactory: (redis: RedisConnection, config: AppConfigService) =>
    new AuthFailureLimit(redis.client, redis.prefix, config.authRateLimit),
};
