import type { DynamicModule } from '@nestjs/common';
import { ROLES } from '@brain/auth';
import { AppConfigService } from '@brain/config';
import { TasksModule } from '@brain/tasks';

/**
 * The tasks module (libs/tasks) configured from the validated environment (BrainConfigModule is
 * global). `failFast` for processes that serve requests: see TasksModuleOptions.
 */
export function tasksModuleFromConfig(failFast = false): DynamicModule {
  return TasksModule.forRootAsync({
    inject: [AppConfigService],
    useFactory: (config: AppConfigService) => {
      if (!config.redisUrl) throw new Error('REDIS_URL is not set');
      return {
        redisUrl: config.redisUrl,
        sentinelPassword: config.redisSentinelPassword,
        prefix: config.prefix,
        resultExpires: config.resultExpires,
        timezone: config.timezone,
        failFast,
        replicaAck: config.replicaAck,
        partitions: config.redisPartitions,
        // A task's role is one of the keys' roles: a misspelt one fails the boot.
        roles: ROLES,
      };
    },
  });
}
