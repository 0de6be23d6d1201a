"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var WorkerAppModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.WorkerAppModule = void 0;
const common_1 = require("@nestjs/common");
const config_1 = require("../../../libs/config/src/index.js");
const tasks_1 = require("../../../libs/tasks/src/index.js");
const domain_modules_1 = require("./domain-modules");
const engine_module_1 = require("./engine.module");
let WorkerAppModule = WorkerAppModule_1 = class WorkerAppModule {
    /** The worker with every domain module, plus any `--include`d task modules. */
    static register(includes = []) {
        return {
            module: WorkerAppModule_1,
            imports: [config_1.BrainConfigModule.forRoot(), engine_module_1.EngineModule, tasks_1.TaskWorkerModule, ...domain_modules_1.DOMAIN_MODULES, ...includes],
        };
    }
};
exports.WorkerAppModule = WorkerAppModule;
exports.WorkerAppModule = WorkerAppModule = WorkerAppModule_1 = __decorate([
    (0, common_1.Module)({})
], WorkerAppModule);
//# sourceMappingURL=worker-app.module.js.map