export { ACTION_ROLES, type Action, allowedActions, roleOf } from './actions';
export {
  authorize,
  authorizeTaskSend,
  DEFAULT_TASK_ROLE,
  roleRefusal,
  type SendableTask,
  taskRole,
  taskSendRefusal,
} from './authorize';
export { authorizeCall, isPublicCall } from './call-access';
export type { Principal } from './principal';
export { Public, PUBLIC_KEY, RequireRole, ROLE_KEY } from './role.decorators';
export { isRole, type Role, roleAllows, ROLES } from './roles';
export { SendsTask, type SentTaskSource, TaskSendGuard } from './task-send.guard';
export { type RegisteredTask, registeredTasks } from './registered-tasks';
export { AuthFailureLimit, clientOf } from './rate-limit/auth-failure-limit';
export { authFailureLimitProvider } from './rate-limit/auth-failure-limit.provider';
