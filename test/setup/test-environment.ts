import { TestEnvironment } from 'jest-environment-node';
import { killLiveProcesses } from '../support/live-processes';

/**
 * Node's environment, which also kills the processes a test file left running when it ends
 * (after every afterAll hook): a failed test then does not leave workers behind to load the
 * machine, or to hold Jest's worker, for the files that run after it.
 */
export default class BrainTestEnvironment extends TestEnvironment {
  override async teardown(): Promise<void> {
    const killed = await killLiveProcesses(this.global);
    if (killed.length) {
      console.warn(`killed ${killed.length} process(es) left running:\n  ${killed.join('\n  ')}`);
    }
    await super.teardown();
  }
}
