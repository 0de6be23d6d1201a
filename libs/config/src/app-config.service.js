"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.AppConfigService = void 0;
const common_1 = require("@nestjs/common");
const config_1 = require("@nestjs/config");
const app_config_1 = require("./app-config");
/** Typed access to the validated configuration; import BrainConfigModule.forRoot() once. */
let AppConfigService = class AppConfigService {
    /** Every setting at once. */
    all;
    constructor(config) {
        this.all = (0, app_config_1.toAppConfig)({
            REDIS_URL: config.get('REDIS_URL', { infer: true }),
            DATABASE_URL: config.get('DATABASE_URL', { infer: true }),
            PORT: config.get('PORT', { infer: true }),
            ADMIN_API_KEY: config.get('ADMIN_API_KEY', { infer: true }),
            RESULT_EXPIRES: config.get('RESULT_EXPIRES', { infer: true }),
            TZ: config.get('TZ', { infer: true }),
            BRAIN_PREFIX: config.get('BRAIN_PREFIX', { infer: true }),
            DASHBOARD_PORT: config.get('DASHBOARD_PORT', { infer: true }),
        });
    }
    get redisUrl() {
        return this.all.redisUrl;
    }
    get databaseUrl() {
        return this.all.databaseUrl;
    }
    get database() {
        return this.all.database;
    }
    get port() {
        return this.all.port;
    }
    get adminApiKey() {
        return this.all.adminApiKey;
    }
    get resultExpires() {
        return this.all.resultExpires;
    }
    get timezone() {
        return this.all.timezone;
    }
    get prefix() {
        return this.all.prefix;
    }
    get dashboardPort() {
        return this.all.dashboardPort;
    }
};
exports.AppConfigService = AppConfigService;
exports.AppConfigService = AppConfigService = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [config_1.ConfigService])
], AppConfigService);
//# sourceMappingURL=app-config.service.js.map