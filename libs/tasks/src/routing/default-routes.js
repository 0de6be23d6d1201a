"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEFAULT_ROUTES = void 0;
/** The spec's task_routes: one pattern per task module; anything else goes to `default`. */
exports.DEFAULT_ROUTES = {
    'backend.app.tasks.system_tasks.*': 'system',
    'backend.app.tasks.mission_tasks.*': 'missions',
    'backend.app.tasks.agent_tasks.*': 'agents',
    'backend.app.tasks.maintenance_tasks.*': 'maintenance',
};
//# sourceMappingURL=default-routes.js.map