"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.EngineModule = void 0;
const config_1 = require("../../../libs/config/src/index.js");
const tasks_1 = require("../../../libs/tasks/src/index.js");
/** The engine configured from the validated environment (BrainConfigModule is global). */
exports.EngineModule = tasks_1.TasksModule.forRootAsync({
    inject: [config_1.AppConfigService],
    useFactory: (config) => {
        if (!config.redisUrl)
            throw new Error('REDIS_URL is not set');
        return {
            redisUrl: config.redisUrl,
            prefix: config.prefix,
            resultExpires: config.resultExpires,
            timezone: config.timezone,
        };
    },
});
//# sourceMappingURL=engine.module.js.map