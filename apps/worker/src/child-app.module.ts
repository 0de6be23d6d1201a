import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { appImports } from '@brain/runtime';

/** A pool child: the engine (for sending and DI) and every task module; it consumes nothing itself. */
@Module({})
export class ChildAppModule {
  static register(includes: Type[] = []): DynamicModule {
    return { module: ChildAppModule, imports: appImports([], includes) };
  }
}
