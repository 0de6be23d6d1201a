"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.diskUsage = diskUsage;
exports.memoryUsage = memoryUsage;
const promises_1 = require("node:fs/promises");
const promises_2 = require("node:fs/promises");
const node_os_1 = require("node:os");
const GB = 1024 ** 3;
const round = (n, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
/** Free space of the filesystem holding `path`, as an unprivileged process may use it. */
async function diskUsage(path) {
    const s = await (0, promises_1.statfs)(path);
    const total = s.blocks * s.bsize;
    const free = s.bavail * s.bsize;
    return { free_gb: round(free / GB), total_gb: round(total / GB), percent_free: round((free / total) * 100) };
}
/**
 * Memory in use. On Linux, MemAvailable counts reclaimable cache as free, which os.freemem() does
 * not; elsewhere fall back to it.
 */
async function memoryUsage() {
    const total = (0, node_os_1.totalmem)();
    let available = (0, node_os_1.freemem)();
    try {
        const meminfo = await (0, promises_2.readFile)('/proc/meminfo', 'utf8');
        const kb = /^MemAvailable:\s+(\d+) kB/m.exec(meminfo)?.[1];
        if (kb)
            available = Number(kb) * 1024;
    }
    catch {
        // not Linux: keep freemem()
    }
    const used = total - available;
    return { used_gb: round(used / GB), total_gb: round(total / GB), percent_used: round((used / total) * 100) };
}
//# sourceMappingURL=host-probes.js.map