import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfigService } from './app-config.service';
import { validate } from './env.validation';

export interface BrainConfigOptions {
  /** .env file(s) to read; default `.env` in the working directory, when present. */
  envFilePath?: string | string[];
  /** Read only the process environment. */
  ignoreEnvFile?: boolean;
}

/**
 * Global configuration: `ConfigModule` validated at start-up (a bad variable stops the boot)
 * plus {@link AppConfigService}. Import `BrainConfigModule.forRoot()` once, in the root module.
 */
@Module({})
export class BrainConfigModule {
  static forRoot(options: BrainConfigOptions = {}): DynamicModule {
    return {
      module: BrainConfigModule,
      global: true,
      imports: [ConfigModule.forRoot({ ...options, isGlobal: true, cache: true, validate })],
      providers: [AppConfigService],
      exports: [AppConfigService],
    };
  }
}
