"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.validate = exports.EnvironmentVariables = exports.parseDatabaseUrl = exports.BrainConfigModule = exports.AppConfigService = exports.toAppConfig = exports.loadAppConfig = void 0;
var app_config_1 = require("./app-config");
Object.defineProperty(exports, "loadAppConfig", { enumerable: true, get: function () { return app_config_1.loadAppConfig; } });
Object.defineProperty(exports, "toAppConfig", { enumerable: true, get: function () { return app_config_1.toAppConfig; } });
var app_config_service_1 = require("./app-config.service");
Object.defineProperty(exports, "AppConfigService", { enumerable: true, get: function () { return app_config_service_1.AppConfigService; } });
var brain_config_module_1 = require("./brain-config.module");
Object.defineProperty(exports, "BrainConfigModule", { enumerable: true, get: function () { return brain_config_module_1.BrainConfigModule; } });
var database_url_1 = require("./database-url");
Object.defineProperty(exports, "parseDatabaseUrl", { enumerable: true, get: function () { return database_url_1.parseDatabaseUrl; } });
var env_validation_1 = require("./env.validation");
Object.defineProperty(exports, "EnvironmentVariables", { enumerable: true, get: function () { return env_validation_1.EnvironmentVariables; } });
Object.defineProperty(exports, "validate", { enumerable: true, get: function () { return env_validation_1.validate; } });
//# sourceMappingURL=index.js.map