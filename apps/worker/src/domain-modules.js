"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DOMAIN_MODULES = void 0;
const system_1 = require("../../../libs/system/src/index.js");
/** Every domain library's module: each registers its own tasks and schedules. */
exports.DOMAIN_MODULES = [system_1.SystemModule];
//# sourceMappingURL=domain-modules.js.map