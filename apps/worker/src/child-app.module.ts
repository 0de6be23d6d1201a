import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { BrainConfigModule } from '@brain/config';
import { DOMAIN_MODULES } from './domain-modules';
import { EngineModule } from './engine.module';

/** A pool child: the engine (for sending and DI) and every task module; it consumes nothing itself. */
@Module({})
export class ChildAppModule {
  static register(includes: Type[] = []): DynamicModule {
    return {
      module: ChildAppModule,
      imports: [BrainConfigModule.forRoot(), EngineModule, ...DOMAIN_MODULES, ...includes],
    };
  }
}
