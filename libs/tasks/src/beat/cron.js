"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseCron = parseCron;
const cron_parser_1 = require("cron-parser");
/** Validates a five-field crontab and gives its next firing after `from`, in `tz`. */
function parseCron(expression, tz = 'UTC', from = new Date()) {
    if (expression.trim().split(/\s+/).length !== 5) {
        throw new Error(`cron "${expression}" must have five fields (minute hour day month weekday)`);
    }
    return cron_parser_1.CronExpressionParser.parse(expression, { tz, currentDate: from }).next().toDate();
}
//# sourceMappingURL=cron.js.map