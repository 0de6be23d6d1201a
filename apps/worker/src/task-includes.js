"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.loadIncludes = loadIncludes;
const node_path_1 = require("node:path");
const engine = __importStar(require("../../../libs/tasks/src/index.js"));
/**
 * Celery's `--include`: extra task modules loaded by path, for tasks that live outside this
 * repository. A file exports Nest module classes, or `register(engine)` returning them, so that it
 * can use the engine's decorators without resolving `@brain/tasks` itself.
 */
function loadIncludes(raw) {
    if (!raw)
        return [];
    return raw
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)
        .flatMap((path) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const exported = require((0, node_path_1.resolve)(path));
        const register = exported.register;
        if (typeof register === 'function' && !isClass(register)) {
            const built = register(engine);
            return Array.isArray(built) ? built : [built];
        }
        const modules = Object.values(exported).filter(isClass);
        if (!modules.length)
            throw new Error(`--include ${path}: exports no Nest module`);
        return modules;
    });
}
function isClass(value) {
    return typeof value === 'function' && /^class\s/.test(Function.prototype.toString.call(value));
}
//# sourceMappingURL=task-includes.js.map