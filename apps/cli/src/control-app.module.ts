import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { BeatModule } from '@brain/tasks';
import { appImports } from '@brain/runtime';

/**
 * What short-lived CLI commands need: the engine, the database and the declared tasks (plus any
 * included ones, so that their names are known), no consumers.
 */
@Module({})
export class ControlAppModule {
  static register(includes: Type[] = []): DynamicModule {
    return { module: ControlAppModule, imports: appImports([BeatModule], includes) };
  }
}
