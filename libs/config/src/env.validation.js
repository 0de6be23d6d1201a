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
exports.EnvironmentVariables = void 0;
exports.validate = validate;
const class_transformer_1 = require("class-transformer");
const class_validator_1 = require("class-validator");
const database_url_1 = require("./database-url");
/** A validator with a fixed message; messages never quote the value, which may be a secret. */
function Check(name, test, message) {
    return (0, class_validator_1.ValidateBy)({ name, validator: { validate: test, defaultMessage: () => message } });
}
function isIntegerIn(min, max) {
    return (value) => Number.isSafeInteger(value) && Number(value) >= min && Number(value) <= max;
}
/** Digits only become a number; anything else is left as is for the validator to reject. */
function toInteger({ value }) {
    return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
}
function parseUrl(value) {
    if (typeof value !== 'string')
        return undefined;
    try {
        return new URL(value);
    }
    catch {
        return undefined;
    }
}
function isRedisUrl(value) {
    const url = parseUrl(value);
    return (url !== undefined &&
        (url.protocol === 'redis:' || url.protocol === 'rediss:') &&
        url.hostname !== '' &&
        /^(\/\d*)?$/.test(url.pathname));
}
function isDatabaseUrl(value) {
    return typeof value === 'string' && (0, database_url_1.parseDatabaseUrl)(value) !== undefined;
}
function isIanaTimeZone(value) {
    if (typeof value !== 'string' || !/^[A-Za-z]/.test(value))
        return false;
    try {
        new Intl.DateTimeFormat('en-US', { timeZone: value });
        return true;
    }
    catch {
        return false;
    }
}
/** The environment variables BRAiN Tasks reads, with their defaults. */
class EnvironmentVariables {
    /** redis[s]://[[user]:password@]host[:port][/db]; unset means "no external Redis". */
    REDIS_URL;
    DATABASE_URL = 'sqlite://var/brain.db';
    PORT = 8000;
    ADMIN_API_KEY;
    /** Seconds a task result is kept. */
    RESULT_EXPIRES = 3600;
    TZ = 'UTC';
    /** Prefix of every Redis key. */
    BRAIN_PREFIX = 'brain';
    DASHBOARD_PORT = 5555;
}
exports.EnvironmentVariables = EnvironmentVariables;
__decorate([
    (0, class_validator_1.IsOptional)(),
    Check('isRedisUrl', isRedisUrl, 'must be a redis:// or rediss:// URL such as redis://host:6379/0'),
    __metadata("design:type", String)
], EnvironmentVariables.prototype, "REDIS_URL", void 0);
__decorate([
    Check('isDatabaseUrl', isDatabaseUrl, 'must be sqlite:///abs/path.db, sqlite://relative/path.db or postgres://user:pass@host:5432/db'),
    __metadata("design:type", String)
], EnvironmentVariables.prototype, "DATABASE_URL", void 0);
__decorate([
    (0, class_transformer_1.Transform)(toInteger),
    Check('isPort', isIntegerIn(1, 65535), 'must be an integer from 1 to 65535'),
    __metadata("design:type", Number)
], EnvironmentVariables.prototype, "PORT", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.MinLength)(16, { message: 'must be at least 16 characters long' }),
    __metadata("design:type", String)
], EnvironmentVariables.prototype, "ADMIN_API_KEY", void 0);
__decorate([
    (0, class_transformer_1.Transform)(toInteger),
    Check('isPositiveInteger', isIntegerIn(1, Number.MAX_SAFE_INTEGER), 'must be a whole number of seconds greater than 0'),
    __metadata("design:type", Number)
], EnvironmentVariables.prototype, "RESULT_EXPIRES", void 0);
__decorate([
    Check('isIanaTimeZone', isIanaTimeZone, 'must be an IANA time zone such as UTC or Europe/Berlin'),
    __metadata("design:type", String)
], EnvironmentVariables.prototype, "TZ", void 0);
__decorate([
    (0, class_validator_1.Matches)(/^[A-Za-z0-9_-]+$/, { message: 'may contain only letters, digits, "_" and "-"' }),
    __metadata("design:type", String)
], EnvironmentVariables.prototype, "BRAIN_PREFIX", void 0);
__decorate([
    (0, class_transformer_1.Transform)(toInteger),
    Check('isPort', isIntegerIn(1, 65535), 'must be an integer from 1 to 65535'),
    __metadata("design:type", Number)
], EnvironmentVariables.prototype, "DASHBOARD_PORT", void 0);
/** Every variable above; the type makes the compiler flag one that is missing here. */
const VARIABLES = {
    REDIS_URL: true,
    DATABASE_URL: true,
    PORT: true,
    ADMIN_API_KEY: true,
    RESULT_EXPIRES: true,
    TZ: true,
    BRAIN_PREFIX: true,
    DASHBOARD_PORT: true,
};
function describe(errors) {
    const lines = errors.map((error) => `  - ${error.property}: ${Object.values(error.constraints ?? {}).join('; ')}`);
    return `Invalid environment configuration:\n${lines.join('\n')}`;
}
/**
 * Validates and converts the environment; for `ConfigModule.forRoot({ validate })`.
 * Unset and empty variables take their defaults. Throws one Error naming every bad variable;
 * the message never contains a value.
 */
function validate(config) {
    const plain = {};
    for (const key of Object.keys(VARIABLES)) {
        const value = config[key];
        if (value !== undefined && value !== '')
            plain[key] = value;
    }
    const env = (0, class_transformer_1.plainToInstance)(EnvironmentVariables, plain);
    const errors = (0, class_validator_1.validateSync)(env, {
        stopAtFirstError: true,
        validationError: { target: false, value: false },
    });
    if (errors.length > 0)
        throw new Error(describe(errors));
    return env;
}
//# sourceMappingURL=env.validation.js.map