import { type DynamicModule, Module } from '@nestjs/common';
import { BrainConfigModule } from '@brain/config';
import { BeatModule } from '@brain/tasks';
import { DOMAIN_MODULES } from '../../worker/src/domain-modules';
import { EngineModule } from '../../worker/src/engine.module';

/** What short-lived CLI commands need: the engine and the declared tasks, no consumers. */
@Module({})
export class ControlAppModule {
  static register(): DynamicModule {
    return {
      module: ControlAppModule,
      imports: [BrainConfigModule.forRoot(), EngineModule, BeatModule, ...DOMAIN_MODULES],
    };
  }
}
