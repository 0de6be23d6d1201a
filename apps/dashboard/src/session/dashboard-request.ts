import type { Request } from 'express';
import type { Principal } from '@brain/auth';
import type { DashboardSession } from './session.store';

/** A dashboard request once the guard has found its session (principal: its API key). */
export type DashboardRequest = Request & {
  principal?: Principal;
  dashboardSession?: DashboardSession & { id: string };
};
