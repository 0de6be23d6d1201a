// A no-op task for `npm run bench`, loaded by the engine's worker with --include.
const { Injectable, Module } = require('@nestjs/common');

function register({ Task }) {
  class NoopTasks {
    noop() {
      return null;
    }

    noopKept() {
      return null;
    }
  }
  const declare = (method, options) =>
    Task(options)(NoopTasks.prototype, method, Object.getOwnPropertyDescriptor(NoopTasks.prototype, method));
  // Like raw BullMQ's removeOnComplete: nothing kept once done (Celery's ignore_result).
  declare('noop', { name: 'bench.noop', queue: 'default', ignoreResult: true });
  // Every record kept for RESULT_EXPIRES: state, result, timeline.
  declare('noopKept', { name: 'bench.noop_kept', queue: 'default' });
  Injectable()(NoopTasks);
  class NoopTasksModule {}
  Module({ providers: [NoopTasks] })(NoopTasksModule);
  return NoopTasksModule;
}

module.exports = { register };
