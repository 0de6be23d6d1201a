import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { BrainConfigModule } from '@brain/config';
import { TaskWorkerModule } from '@brain/tasks';
import { DOMAIN_MODULES } from './domain-modules';
import { EngineModule } from './engine.module';

@Module({})
export class WorkerAppModule {
  /** The worker with every domain module, plus any `--include`d task modules. */
  static register(includes: Type[] = []): DynamicModule {
    return {
      module: WorkerAppModule,
      imports: [
        BrainConfigModule.forRoot(),
        EngineModule,
        TaskWorkerModule,
        ...DOMAIN_MODULES,
        ...includes,
      ],
    };
  }
}
