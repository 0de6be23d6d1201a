// The engine's public API: what apps, domain libraries and task modules use. Anything not
// exported here is the engine's own business and may change without notice.

// Declaring tasks and schedules
export * from './registry/task.decorator';
export * from './registry/task-definition';
export * from './registry/task-options';
export * from './registry/task-registry';
export * from './execution/task-context';
export * from './retry/retry-request';
export * from './errors/task-errors';
export * from './errors/task-released.error';
export * from './errors/task-revoked.error';
export * from './errors/lock-lost.error';
export * from './errors/worker-lost.error';
export * from './errors/replica-ack.error';

// Modules
export * from './tasks.module';
export * from './config/tasks-module-options';
export * from './beat/beat.module';
export * from './worker/task-worker.module';

// Sending tasks
export * from './client/apply-options';
export * from './client/limits';
export * from './client/task-client.service';
export { QUEUE_NAMES, type QueueName, isQueueName } from './queues/queue-names';
export {
  DEFAULT_TASK_PRIORITY,
  MAX_TASK_PRIORITY,
  MIN_TASK_PRIORITY,
  isTaskPriority,
} from './queues/task-priority';
export { type PartitionQueues, QueueRegistry } from './queues/queue-registry';

// Results, listings, views
export * from './results/result-store.service';
export * from './results/result-waiter.service';
export * from './results/task-listing.service';
export * from './results/task-record';
export * from './results/task-state';
export { INDEX_CURSOR, type IndexPosition } from './results/index-cursor';
export * from './views/task-views';
export { isSchedulerJobId } from './bullmq/queue-keys';

// Revocation, inspection, monitoring
export * from './revocation/revocation.service';
export * from './inspect/active-tasks.service';
export * from './inspect/inspector.service';
export * from './inspect/queue-inspector.service';
export * from './inspect/task-throughput.service';
export * from './inspect/worker-directory.service';
export * from './inspect/worker-heartbeat';
export * from './metrics/task-metrics.reader';
export { TASK_DURATION_BUCKETS } from './metrics/task-metrics.schema';

// Beat and workers
export * from './beat/beat-runner.service';
export * from './beat/beat.service';
export * from './beat/schedule-entry';
export * from './worker/task-worker.service';
export * from './worker/worker-control';
export { withDeadline } from './worker/with-deadline';
export type { PoolImplementation } from './pool/execution-pool';
export { type PoolChildKind, runPoolChild } from './pool/run-pool-child';

// Redis connection and secrets kept out of what is shown
export * from './redis/redis-connection.service';
export {
  reconnectOnReadonly,
  type RedisEndpoint,
  redisEndpoint,
  type RedisEndpointOptions,
} from './redis/redis-endpoint';
export * from './redis/redis-url';
export { type ClusterMasterView, type RedisTopology } from './redis/redis-topology';
export {
  createRedisClient,
  mastersOf,
  publishCounted,
  type RedisClient,
  scanKeys,
} from './redis/redis-client';
export {
  choosePartition,
  keyPrefix,
  MAX_PARTITIONS,
  partitionOfTaskId,
  partitionPrefix,
  taskIdIn,
} from './redis/key-layout';
export { PartitionLayout, type Placement } from './redis/partition-layout.service';
export * from './redis/redact-url';
export * from './execution/redaction';
export * from './execution/secret-policy';

// Routes and names contributed by domain modules
export { TaskRoutes, type TaskRouteTable } from './routing/task-routes';
export { taskNameOf } from './registry/task-name-of';
