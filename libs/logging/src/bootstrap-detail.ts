/**
 * Nest's start-up chatter: a line for every module loaded, controller and route mapped. Useful
 * when a boot goes wrong, noise on every other start: it is logged at debug, not info.
 */
const BOOTSTRAP_CONTEXTS = new Set([
  'NestFactory',
  'NestApplication',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
]);

/** Whether a `log()` call is start-up detail: Nest passes the context as the last parameter. */
export function isBootstrapDetail(optionalParams: unknown[]): boolean {
  const context = optionalParams.at(-1);
  return typeof context === 'string' && BOOTSTRAP_CONTEXTS.has(context);
}
