"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.BeatAppModule = void 0;
const common_1 = require("@nestjs/common");
const config_1 = require("../../../libs/config/src/index.js");
const tasks_1 = require("../../../libs/tasks/src/index.js");
const domain_modules_1 = require("./domain-modules");
const engine_module_1 = require("./engine.module");
let BeatAppModule = class BeatAppModule {
};
exports.BeatAppModule = BeatAppModule;
exports.BeatAppModule = BeatAppModule = __decorate([
    (0, common_1.Module)({
        imports: [config_1.BrainConfigModule.forRoot(), engine_module_1.EngineModule, tasks_1.BeatModule, ...domain_modules_1.DOMAIN_MODULES],
    })
], BeatAppModule);
//# sourceMappingURL=beat-app.module.js.map