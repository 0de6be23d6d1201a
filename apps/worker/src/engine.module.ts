import { AppConfigService, BrainConfigModule } from '@brain/config';
import { TasksModule } from '@brain/tasks';

/** The engine configured from the validated environment. */
export const EngineModule = TasksModule.forRootAsync({
  imports: [BrainConfigModule],
  inject: [AppConfigService],
  useFactory: (config: AppConfigService) => ({
    redisUrl: config.redisUrl,
    prefix: config.prefix,
    resultExpires: config.resultExpires,
    timezone: config.timezone,
  }),
});
