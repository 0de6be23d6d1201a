import { TEST_ADMIN_KEY, freePort } from './api-process';
import { BrainProcess, FIXTURE_TASKS } from './brain-process';

/** A real `brain flower start` process on the test Redis, knowing the fixture tasks. */
export class DashboardProcess {
  private constructor(
    readonly process: BrainProcess,
    readonly port: number,
  ) {}

  /** Starts it on `port` (a free one by default) and waits until it listens. */
  static async start(
    prefix: string,
    env: Record<string, string> = {},
    port?: number,
  ): Promise<DashboardProcess> {
    const listen = port ?? (await freePort());
    const proc = new BrainProcess(['flower', 'start', '--port', String(listen)], prefix, {
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      DASHBOARD_HOST: '127.0.0.1',
      BRAIN_INCLUDE: FIXTURE_TASKS,
      ...env,
    });
    await proc.ready(/Dashboard listening on/);
    return new DashboardProcess(proc, listen);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get log(): string {
    return this.process.log;
  }

  stop(): Promise<number | null> {
    return this.process.stop();
  }
}
