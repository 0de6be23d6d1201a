export { createLogger, loggerFromEnv } from './create-logger';
export { createJsonLogger, JsonLogger } from './json-logger';
export { NEST_LEVELS, TextLogger } from './text-logger';
