// A no-op task for `npm run bench`, loaded by the engine's worker with --include.
const { Injectable, Module } = require('@nestjs/common');

function register({ Task }) {
  class NoopTasks {
    noop() {
      return null;
    }
  }
  const d = Object.getOwnPropertyDescriptor(NoopTasks.prototype, 'noop');
  Task({ name: 'bench.noop', queue: 'default', ignoreResult: true })(NoopTasks.prototype, 'noop', d);
  Injectable()(NoopTasks);
  class NoopTasksModule {}
  Module({ providers: [NoopTasks] })(NoopTasksModule);
  return NoopTasksModule;
}

module.exports = { register };
