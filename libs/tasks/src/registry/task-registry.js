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
exports.TaskRegistry = void 0;
const common_1 = require("@nestjs/common");
const core_1 = require("@nestjs/core");
const task_router_1 = require("../routing/task-router");
const task_errors_1 = require("../errors/task-errors");
const task_decorator_1 = require("./task.decorator");
const validate_declaration_1 = require("./validate-declaration");
/** Every task of the application, discovered from `@Task` declarations at boot. */
let TaskRegistry = class TaskRegistry {
    discovery;
    scanner;
    router;
    tasks = new Map();
    constructor(discovery, scanner, router) {
        this.discovery = discovery;
        this.scanner = scanner;
        this.router = router;
    }
    onModuleInit() {
        for (const wrapper of this.discovery.getProviders()) {
            const instance = wrapper.instance;
            if (!instance || typeof instance !== 'object' || wrapper.isAlias)
                continue;
            const prototype = Object.getPrototypeOf(instance);
            if (!prototype)
                continue;
            for (const method of this.scanner.getAllMethodNames(prototype)) {
                const fn = instance[method];
                if (typeof fn !== 'function')
                    continue;
                const options = Reflect.getMetadata(task_decorator_1.TASK_METADATA, fn);
                if (!options)
                    continue;
                const schedules = Reflect.getMetadata(task_decorator_1.SCHEDULE_METADATA, fn) ?? [];
                this.add(options, fn.bind(instance), schedules, `${wrapper.name}.${method}`);
            }
        }
    }
    add(options, handler, schedules, where) {
        (0, validate_declaration_1.validateDeclaration)(options, schedules, where);
        if (this.tasks.has(options.name)) {
            throw new Error(`Task "${options.name}" is declared twice (again at ${where})`);
        }
        const queue = options.queue ?? this.router.route(options.name);
        this.tasks.set(options.name, { name: options.name, options, queue, handler, schedules });
    }
    has(name) {
        return this.tasks.has(name);
    }
    /** The task, or an UnknownTaskError naming it. */
    get(name) {
        const task = this.tasks.get(name);
        if (!task)
            throw new task_errors_1.UnknownTaskError(name);
        return task;
    }
    /** All tasks, sorted by name. */
    all() {
        return [...this.tasks.values()].sort((a, b) => a.name.localeCompare(b.name));
    }
    names() {
        return this.all().map((t) => t.name);
    }
};
exports.TaskRegistry = TaskRegistry;
exports.TaskRegistry = TaskRegistry = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [core_1.DiscoveryService,
        core_1.MetadataScanner,
        task_router_1.TaskRouter])
], TaskRegistry);
//# sourceMappingURL=task-registry.js.map