export { type AppConfig, loadAppConfig, toAppConfig } from './app-config';
export { type AuthRateLimit, parseAuthRateLimit } from './auth-rate-limit';
export { parseTrustProxy, type TrustProxy } from './trust-proxy';
export { AppConfigService } from './app-config.service';
export { BrainConfigModule, type BrainConfigOptions } from './brain-config.module';
export { type DatabaseConfig, parseDatabaseUrl } from './database-url';
export {
  EnvironmentVariables,
  LOG_FORMATS,
  LOG_LEVEL_NAMES,
  type LogFormat,
  type LogLevelName,
  validate,
} from './env.validation';
export {
  isOutboundAllow,
  type OutboundAllowEntry,
  parseOutboundAllow,
  unmapped,
} from './outbound-allow';
