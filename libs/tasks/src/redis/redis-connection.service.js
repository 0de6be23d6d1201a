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
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
var RedisConnection_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.RedisConnection = void 0;
const common_1 = require("@nestjs/common");
const ioredis_1 = require("ioredis");
const tasks_module_options_1 = require("../config/tasks-module-options");
const redact_url_1 = require("./redact-url");
let RedisConnection = RedisConnection_1 = class RedisConnection {
    options;
    logger = new common_1.Logger(RedisConnection_1.name);
    owned = new Set();
    shared;
    constructor(options) {
        this.options = options;
    }
    get prefix() {
        return this.options.prefix;
    }
    /** Connection options for BullMQ and for clients of our own. */
    get connectionOptions() {
        const url = new URL(this.options.redisUrl);
        return {
            host: url.hostname || '127.0.0.1',
            port: url.port ? Number(url.port) : 6379,
            username: url.username ? decodeURIComponent(url.username) : undefined,
            password: url.password ? decodeURIComponent(url.password) : undefined,
            db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
            tls: url.protocol === 'rediss:' ? {} : undefined,
            // BullMQ's blocking commands need unlimited retries; our own calls fail fast on their own timeouts.
            maxRetriesPerRequest: null,
            lazyConnect: false,
        };
    }
    /** The URL with any password masked, for logs and `info`. */
    get displayUrl() {
        return (0, redact_url_1.redactUrl)(this.options.redisUrl);
    }
    /** The shared command client. */
    get client() {
        this.shared ??= this.create('shared');
        return this.shared;
    }
    /** A dedicated connection, closed with the application. */
    create(name) {
        const client = new ioredis_1.Redis({ ...this.connectionOptions, connectionName: `brain:${name}` });
        client.on('error', (err) => this.logger.warn(`redis (${name}): ${err.message}`));
        this.owned.add(client);
        client.once('end', () => this.owned.delete(client));
        return client;
    }
    async onApplicationShutdown() {
        await Promise.all([...this.owned].map(async (c) => {
            try {
                await c.quit();
            }
            catch {
                c.disconnect();
            }
        }));
    }
};
exports.RedisConnection = RedisConnection;
exports.RedisConnection = RedisConnection = RedisConnection_1 = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(tasks_module_options_1.TASKS_OPTIONS)),
    __metadata("design:paramtypes", [Object])
], RedisConnection);
//# sourceMappingURL=redis-connection.service.js.map