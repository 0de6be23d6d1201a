import { Logger, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loggerFromEnv } from '@brain/logging';
import { configureHttp } from '@brain/http';
import { StopSignals, withDeadline } from '@brain/runtime';
import { DashboardAppModule } from './dashboard-app.module';
import { mountRawJobView } from './raw-jobs/raw-job-view';
import { serveWebAssets } from './web/web-assets';

/** How long a stopping dashboard waits for its connections (open event streams too) to close. */
const CLOSE_DEADLINE_MS = 5_000;

/** The dashboard, configured and listening (port 0: any free port; see app.getUrl()). */
export async function createDashboard(
  port: number,
  includes: Type[] = [],
): Promise<NestExpressApplication> {
  const logger = loggerFromEnv();
  logger.log(`starting dashboard on port ${port}`, 'Dashboard');
  const app = await NestFactory.create<NestExpressApplication>(
    DashboardAppModule.register(includes),
    { bodyParser: false, logger },
  );
  configureHttp(app);
  serveWebAssets(app);
  mountRawJobView(app);
  await app.listen(port, process.env.DASHBOARD_HOST ?? '0.0.0.0');
  return app;
}

/** Runs the dashboard until SIGTERM/SIGINT, then closes it. Answers the exit code. */
export async function runDashboard(port: number, includes: Type[] = []): Promise<number> {
  const signals = new StopSignals();
  const app = await createDashboard(port, includes);
  signals.started();
  new Logger('Dashboard').log(`Dashboard listening on ${await app.getUrl()}`);
  await signals.wait();
  // Open event streams never end by themselves: close them rather than wait for the pages.
  app.getHttpServer().closeAllConnections();
  const closed = await withDeadline(app.close(), CLOSE_DEADLINE_MS);
  if (!closed)
    new Logger('Dashboard').warn(`not closed within ${CLOSE_DEADLINE_MS / 1000} s: leaving`);
  return 0;
}
