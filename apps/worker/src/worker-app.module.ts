import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { TaskWorkerModule } from '@brain/tasks';
import { appImports } from '@brain/runtime';

@Module({})
export class WorkerAppModule {
  /** The worker with every domain module, plus any `--include`d task modules. */
  static register(includes: Type[] = []): DynamicModule {
    return { module: WorkerAppModule, imports: appImports([TaskWorkerModule], includes) };
  }
}
