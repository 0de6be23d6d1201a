/**
 * Process plumbing every app shares: what a BRAiN process imports, `--include`d task modules,
 * graceful stops and the worker's start arguments.
 */
export { appImports } from './app-imports';
export { DOMAIN_MODULES } from './domain-modules';
export { type IncludeRegister, IncludeError, loadIncludes } from './task-includes';
export { StopSignals } from './stop-signals';
export { tasksModuleFromConfig } from './tasks-root.module';
export { withDeadline } from '@brain/tasks';
export {
  expandHostname,
  parseConcurrency,
  parsePool,
  parsePositive,
  parsePartitions,
  parseQueues,
} from './worker-args';
