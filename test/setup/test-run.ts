/** State shared by global-setup and global-teardown, which Jest runs in the same context. */
interface TestRun {
  redis?: { dir: string; stop(): Promise<void> };
  postgres?: { dir: string; stop(): Promise<void> };
}

const holder = globalThis as typeof globalThis & { __brainTestRun?: TestRun };

export const testRun: TestRun = (holder.__brainTestRun ??= {});
