"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.toAppConfig = toAppConfig;
exports.loadAppConfig = loadAppConfig;
const database_url_1 = require("./database-url");
const env_validation_1 = require("./env.validation");
/** Maps validated variables onto {@link AppConfig}. */
function toAppConfig(env) {
    const database = (0, database_url_1.parseDatabaseUrl)(env.DATABASE_URL);
    if (!database)
        throw new Error('DATABASE_URL: not a supported database URL');
    return {
        redisUrl: env.REDIS_URL,
        databaseUrl: env.DATABASE_URL,
        database,
        port: env.PORT,
        adminApiKey: env.ADMIN_API_KEY,
        resultExpires: env.RESULT_EXPIRES,
        timezone: env.TZ,
        prefix: env.BRAIN_PREFIX,
        dashboardPort: env.DASHBOARD_PORT,
    };
}
/** Validates `env` and returns typed settings, without Nest (for the CLI and scripts). */
function loadAppConfig(env = process.env) {
    return toAppConfig((0, env_validation_1.validate)(env));
}
//# sourceMappingURL=app-config.js.map