"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.BeatModule = void 0;
const common_1 = require("@nestjs/common");
const beat_runner_service_1 = require("./beat-runner.service");
const beat_service_1 = require("./beat.service");
let BeatModule = class BeatModule {
};
exports.BeatModule = BeatModule;
exports.BeatModule = BeatModule = __decorate([
    (0, common_1.Module)({
        providers: [beat_service_1.BeatService, beat_runner_service_1.BeatRunner],
        exports: [beat_service_1.BeatService, beat_runner_service_1.BeatRunner],
    })
], BeatModule);
//# sourceMappingURL=beat.module.js.map