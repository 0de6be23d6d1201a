import type { DynamicModule, Type } from '@nestjs/common';
import { BrainConfigModule } from '@brain/config';
import { StorageModule } from '@brain/storage';
import { DOMAIN_MODULES } from './domain-modules';
import { tasksModuleFromConfig } from './tasks-root.module';

/**
 * What every BRAiN process imports: validated configuration, the engine, the storage layer and
 * every task module,
 * plus its own role (`roles`) and any `--include`d task modules. Called when a process boots, so
 * that a bad environment is reported then, not when a file loads.
 */
export function appImports(
  roles: Array<Type | DynamicModule>,
  includes: Type[] = [],
  options: { failFast?: boolean } = {},
): Array<Type | DynamicModule> {
  return [
    BrainConfigModule.forRoot(),
    tasksModuleFromConfig(options.failFast),
    StorageModule.forRoot(),
    ...roles,
    ...DOMAIN_MODULES,
    ...includes,
  ];
}
