/** State shared by global-setup and global-teardown, which Jest runs in the same context. */
interface TestRun {
  /** `dir` is removed after stop() (a topology removes its own). */
  redis?: { dir?: string; stop(): Promise<void> };
  postgres?: { dir: string; stop(): Promise<void> };
}

const holder = globalThis as typeof globalThis & { __brainTestRun?: TestRun };

export const testRun: TestRun = (holder.__brainTestRun ??= {});
