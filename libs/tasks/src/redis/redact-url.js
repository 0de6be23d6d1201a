"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.redactUrl = redactUrl;
/** Masks the password of a connection URL so it can be logged. */
function redactUrl(raw) {
    try {
        const url = new URL(raw);
        if (url.password)
            url.password = '***';
        return url.toString();
    }
    catch {
        return '<invalid url>';
    }
}
//# sourceMappingURL=redact-url.js.map