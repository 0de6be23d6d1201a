import { type DynamicModule, Module } from '@nestjs/common';
import { BeatModule } from '@brain/tasks';
import { appImports } from '../../worker/src/app-imports';

/** What short-lived CLI commands need: the engine and the declared tasks, no consumers. */
@Module({})
export class ControlAppModule {
  static register(): DynamicModule {
    return { module: ControlAppModule, imports: appImports([BeatModule]) };
  }
}
