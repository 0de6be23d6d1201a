/** What the tests and the bench may use of the CLI app: the private redis-server and free ports of `brain up`. */
export { startEmbeddedRedis } from './dev/embedded-redis';
export { freePort } from './dev/free-port';
