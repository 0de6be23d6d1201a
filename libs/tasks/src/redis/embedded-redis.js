"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.startEmbeddedRedis = startEmbeddedRedis;
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const node_net_1 = require("node:net");
const node_path_1 = require("node:path");
const node_util_1 = require("node:util");
const ioredis_1 = require("ioredis");
const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 3;
const LOG_FILE = 'redis-server.log';
const run = (0, node_util_1.promisify)(node_child_process_1.execFile);
/**
 * Starts a private redis-server on a free port of 127.0.0.1, with its data under `dir`.
 * The server is killed when this process exits; call stop() to end it earlier.
 */
async function startEmbeddedRedis(options) {
    const log = options.log ?? (() => undefined);
    const dir = (0, node_path_1.resolve)(options.dir);
    (0, node_fs_1.mkdirSync)(dir, { recursive: true });
    const binary = findOnPath('redis-server') ?? (await installRedis(options.install === true, log));
    for (let attempt = 1;; attempt++) {
        const port = await freePort();
        try {
            const redis = await launch(binary, port, dir);
            log(`redis-server listening on 127.0.0.1:${port}, data in ${dir}`);
            return redis;
        }
        catch (err) {
            // Another process may take the port between our probe and redis-server's bind.
            const portTaken = err instanceof Error && /address already in use/i.test(err.message);
            if (!portTaken || attempt >= PORT_ATTEMPTS)
                throw err;
        }
    }
}
async function launch(binary, port, dir) {
    const logFile = (0, node_path_1.join)(dir, LOG_FILE);
    const fd = (0, node_fs_1.openSync)(logFile, 'w');
    let child;
    try {
        child = (0, node_child_process_1.spawn)(binary, [
            ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
            ...['--save', '', '--appendonly', 'yes', '--daemonize', 'no'],
        ], { stdio: ['ignore', fd, fd] });
    }
    finally {
        (0, node_fs_1.closeSync)(fd);
    }
    // Never keep this process alive for redis' sake; the exit hook below ends it.
    child.unref();
    let exit;
    const exited = new Promise((done) => {
        child.once('exit', (code, signal) => {
            exit = signal ? `signal ${signal}` : `code ${code}`;
            done();
        });
        child.once('error', (err) => {
            exit = err.message;
            done();
        });
    });
    const killOnExit = () => {
        child.kill('SIGTERM');
    };
    process.on('exit', killOnExit);
    const stop = async () => {
        process.off('exit', killOnExit);
        if (exit !== undefined)
            return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
    };
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await answersPing(port))) {
        if (exit !== undefined) {
            process.off('exit', killOnExit);
            throw new Error(`redis-server exited (${exit}) before it was ready:\n${tail(logFile)}`);
        }
        if (Date.now() > deadline) {
            await stop();
            throw new Error(`redis-server did not answer PING within ${READY_TIMEOUT_MS / 1000} s:\n${tail(logFile)}`);
        }
        await new Promise((wake) => setTimeout(wake, 100));
    }
    return { url: `redis://127.0.0.1:${port}`, port, stop };
}
async function answersPing(port) {
    const client = new ioredis_1.Redis({
        host: '127.0.0.1',
        port,
        lazyConnect: true,
        connectTimeout: 1_000,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
        await client.connect();
        return (await client.ping()) === 'PONG';
    }
    catch {
        return false;
    }
    finally {
        client.disconnect();
    }
}
function freePort() {
    return new Promise((done, fail) => {
        const server = (0, node_net_1.createServer)();
        server.unref();
        server.once('error', fail);
        server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            const port = typeof address === 'object' && address ? address.port : 0;
            server.close(() => (port > 0 ? done(port) : fail(new Error('no free port on 127.0.0.1'))));
        });
    });
}
function findOnPath(command, folders = (process.env.PATH ?? '').split(node_path_1.delimiter)) {
    for (const folder of folders) {
        if (!folder)
            continue;
        const candidate = (0, node_path_1.join)(folder, command);
        try {
            (0, node_fs_1.accessSync)(candidate, node_fs_1.constants.X_OK);
            return candidate;
        }
        catch {
            // not here
        }
    }
    return undefined;
}
async function installRedis(install, log) {
    const isRoot = process.getuid?.() === 0;
    if (!install || !isRoot || !findOnPath('apt-get')) {
        throw new Error('redis-server was not found on PATH. Install it (Debian/Ubuntu: ' +
            '`sudo apt-get install -y redis-server`, macOS: `brew install redis`) ' +
            'or point REDIS_URL at a running Redis.');
    }
    log('redis-server not found: installing it with apt-get');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const maxBuffer = 64 * 1024 * 1024;
    try {
        await run('apt-get', ['update'], { env, maxBuffer });
        await run('apt-get', ['install', '-y', 'redis-server'], { env, maxBuffer });
    }
    catch (err) {
        const detail = err instanceof Error ? err.message : String(err);
        throw new Error(`apt-get could not install redis-server: ${detail}`);
    }
    const binary = findOnPath('redis-server') ?? findOnPath('redis-server', ['/usr/bin', '/usr/sbin']);
    if (!binary)
        throw new Error('apt-get installed redis-server, but it is not on PATH');
    return binary;
}
function tail(file, lines = 20) {
    try {
        return (0, node_fs_1.readFileSync)(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    }
    catch {
        return '(no output)';
    }
}
//# sourceMappingURL=embedded-redis.js.map