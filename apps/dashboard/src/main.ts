import 'reflect-metadata';
import { loadAppConfig } from '@brain/config';
import { loadIncludes } from '../../worker/src/task-includes';
import { runDashboard } from './run-dashboard';

/** Container entry point: the dashboard on DASHBOARD_PORT, with BRAIN_INCLUDE's task modules. */
async function main(): Promise<number> {
  const config = loadAppConfig(process.env);
  return runDashboard(config.dashboardPort, loadIncludes(process.env.BRAIN_INCLUDE));
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`dashboard: ${err.message}`);
    process.exit(1);
  },
);
