import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { appImports } from '@brain/runtime';
import { DashboardModule } from './dashboard.module';

/**
 * The monitoring UI as a process of its own. It knows every task (to mask their arguments as
 * declared, and to retry them) but runs none; its Redis connections fail fast, as the API's do.
 */
@Module({})
export class DashboardAppModule {
  static register(includes: Type[] = []): DynamicModule {
    return {
      module: DashboardAppModule,
      imports: appImports([DashboardModule], includes, { failFast: true }),
    };
  }
}
