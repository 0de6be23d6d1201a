"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.REDACTED = void 0;
exports.redactValue = redactValue;
exports.redactArguments = redactArguments;
exports.REDACTED = '***';
const SENSITIVE_NAME = /pass(word)?|secret|token|api[_-]?key|credential|private[_-]?key|authorization/i;
function isSensitive(name, declared) {
    return declared.includes(name) || SENSITIVE_NAME.test(name);
}
/** Copies a value with every sensitive-looking key masked, at any depth. */
function redactValue(value, declared = []) {
    if (Array.isArray(value))
        return value.map((v) => redactValue(v, declared));
    if (value && typeof value === 'object' && !(value instanceof Date)) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [
            k,
            isSensitive(k, declared) ? exports.REDACTED : redactValue(v, declared),
        ]));
    }
    return value;
}
/** Args and kwargs as records and logs may show them: sensitive params masked, positional ones too. */
function redactArguments(task, args, kwargs) {
    const declared = task?.sensitive ?? [];
    const params = task?.params ?? [];
    return {
        args: args.map((v, i) => (params[i] && isSensitive(params[i], declared) ? exports.REDACTED : redactValue(v, declared))),
        kwargs: redactValue(kwargs, declared),
    };
}
//# sourceMappingURL=redaction.js.map