"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var BrainConfigModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.BrainConfigModule = void 0;
const common_1 = require("@nestjs/common");
const config_1 = require("@nestjs/config");
const app_config_service_1 = require("./app-config.service");
const env_validation_1 = require("./env.validation");
/**
 * Global configuration: `ConfigModule` validated at start-up (a bad variable stops the boot)
 * plus {@link AppConfigService}. Import `BrainConfigModule.forRoot()` once, in the root module.
 */
let BrainConfigModule = BrainConfigModule_1 = class BrainConfigModule {
    static forRoot(options = {}) {
        return {
            module: BrainConfigModule_1,
            global: true,
            imports: [config_1.ConfigModule.forRoot({ ...options, isGlobal: true, cache: true, validate: env_validation_1.validate })],
            providers: [app_config_service_1.AppConfigService],
            exports: [app_config_service_1.AppConfigService],
        };
    }
};
exports.BrainConfigModule = BrainConfigModule;
exports.BrainConfigModule = BrainConfigModule = BrainConfigModule_1 = __decorate([
    (0, common_1.Module)({})
], BrainConfigModule);
//# sourceMappingURL=brain-config.module.js.map