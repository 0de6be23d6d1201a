import type { ApiRequest } from '../../../api/src/auth/principal';
import type { DashboardSession } from './session.store';

/** A dashboard request once the guard has found its session (principal: its API key). */
export type DashboardRequest = ApiRequest & {
  dashboardSession?: DashboardSession & { id: string };
};
