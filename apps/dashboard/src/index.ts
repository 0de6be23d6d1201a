/** What other apps may use of the monitoring UI app: running it. */
export { runDashboard } from './run-dashboard';
