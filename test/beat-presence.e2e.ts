import { BeatRunner, BeatService } from '@brain/tasks';
import { BrainProcess } from './support/brain-process';
import { clientSuite } from './support/worker-suite';
import { waitFor } from './support/wait';

describe('beats that take each other for dead (real beat processes)', () => {
  const suite = clientSuite('beat-presence');

  it('a beat whose schedules were removed while it runs registers them again', async () => {
    const beat = new BrainProcess(['beat', 'start'], suite.prefix);
    try {
      await beat.waitForOutput(/schedule\(s\) registered/);
      const schedules = suite.app.get(BeatService);
      const declared = (await schedules.list()).map((s) => s.key).sort();
      expect(declared.length).toBeGreaterThan(0);
      expect(await suite.app.get(BeatRunner).running()).toHaveLength(1);

      // What a beat stopping "last" does when it took this one for dead (its presence lapsed).
      await schedules.removeAll();
      await beat.waitForOutput(/were gone while this beat runs: registered again/);
      expect((await schedules.list()).map((s) => s.key).sort()).toEqual(declared);
    } finally {
      await beat.stop();
    }
  });

  it('of two beats stopping, the last out removes the schedules, the first leaves them', async () => {
    const first = new BrainProcess(['beat', 'start'], suite.prefix);
    const second = new BrainProcess(['beat', 'start'], suite.prefix);
    try {
      await Promise.all([first, second].map((b) => b.waitForOutput(/schedule\(s\) registered/)));
      const runner = suite.app.get(BeatRunner);
      await waitFor(
        async () => ((await runner.running()).length === 2 ? true : undefined),
        'both beats alive',
      );
      expect(await first.stop()).toBe(0);
      expect(first.log).toMatch(/1 other beat\(s\) keep the schedules/);
      expect((await suite.app.get(BeatService).list()).length).toBeGreaterThan(0);
      expect(await second.stop()).toBe(0);
      expect(second.log).toMatch(/last beat out/);
      expect(await suite.app.get(BeatService).list()).toEqual([]);
      expect(await runner.running()).toEqual([]);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});
