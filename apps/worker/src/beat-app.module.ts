import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { BeatModule } from '@brain/tasks';
import { appImports } from '@brain/runtime';

@Module({})
export class BeatAppModule {
  /** Beat with every declared schedule, plus those of any `--include`d task modules. */
  static register(includes: Type[] = []): DynamicModule {
    return { module: BeatAppModule, imports: appImports([BeatModule], includes) };
  }
}
