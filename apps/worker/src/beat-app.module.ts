import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { BrainConfigModule } from '@brain/config';
import { BeatModule } from '@brain/tasks';
import { DOMAIN_MODULES } from './domain-modules';
import { EngineModule } from './engine.module';

@Module({})
export class BeatAppModule {
  /** Built on demand: the configuration is validated when a beat boots, not when this file loads. */
  static register(includes: Type[] = []): DynamicModule {
    return {
      module: BeatAppModule,
      imports: [
        BrainConfigModule.forRoot(),
        EngineModule,
        BeatModule,
        ...DOMAIN_MODULES,
        ...includes,
      ],
    };
  }
}
