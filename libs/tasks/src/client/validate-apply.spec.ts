import { TaskInputError } from '../errors/task-errors';
import { bindArguments } from '../execution/bind-arguments';
import type { TaskDefinition } from '../registry/task-definition';
import { MAX_ARGUMENT_DEPTH, MAX_COUNTDOWN_S, MAX_TIME_LIMIT_S } from './limits';
import { validateApply } from './validate-apply';

/** `{a: {a: ... 1}}`, `levels` objects deep. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { a: 1 };
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

const task: TaskDefinition = {
  name: 'backend.app.tasks.mission_tasks.cleanup_completed_missions',
  options: {
    name: 'backend.app.tasks.mission_tasks.cleanup_completed_missions',
    params: ['days_old'],
  },
  queue: 'missions',
  handler: () => null,
  schedules: [],
};
const now = Date.parse('2026-11-29T10:00:00Z');

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof TaskInputError) return `${err.field}: ${err.message}`;
    throw err;
  }
  throw new Error('expected a TaskInputError');
}

describe('validateApply', () => {
  it('takes the routed queue and default priority 5 when none is given', () => {
    expect(validateApply(task, {}, now)).toMatchObject({
      queue: 'missions',
      priority: 5,
      delayMs: 0,
      eta: null,
    });
  });

  it('turns countdown and eta into a delay and an eta', () => {
    expect(validateApply(task, { countdown: 60 }, now)).toMatchObject({
      delayMs: 60_000,
      eta: new Date(now + 60_000),
    });
    expect(validateApply(task, { eta: '2026-11-29T11:00:00Z' }, now).delayMs).toBe(3_600_000);
    // An eta in the past runs at once.
    expect(validateApply(task, { eta: '2026-11-29T09:00:00Z' }, now).delayMs).toBe(0);
  });

  it.each([
    [{ queue: 'nope' }, /^queue: Unknown queue "nope"/],
    [{ countdown: -1 }, /^countdown: /],
    [{ eta: 'tomorrow-ish' }, /^eta: eta must be an ISO 8601/],
    [{ countdown: 1, eta: '2026-11-29T11:00:00Z' }, /^eta: give countdown or eta/],
    [{ expires: '2026-11-29T09:00:00Z' }, /^expires: expires is in the past/],
    [{ expires: -5 }, /^expires: /],
    [{ priority: 10 }, /^priority: /],
    [{ priority: 2.5 }, /^priority: /],
    [{ args: 'x' as unknown as unknown[] }, /^args: args must be a list/],
    [{ kwargs: [] as unknown as Record<string, unknown> }, /^kwargs: kwargs must be an object/],
    [{ timeLimit: -1 }, /^timeLimit: /],
    // Past 2^31-1 ms a timer fires at once: the task would be killed as it starts.
    [{ timeLimit: 2_147_484 }, /^timeLimit: .*at most 604800 seconds/],
    [{ softTimeLimit: MAX_TIME_LIMIT_S + 1 }, /^softTimeLimit: /],
    [{ countdown: MAX_COUNTDOWN_S + 1 }, /^countdown: .*from 0 to 2592000/],
    [{ eta: '2027-01-01T00:00:00Z' }, /^eta: eta must be at most 30 days ahead/],
    [{ kwargs: nested(MAX_ARGUMENT_DEPTH + 1) }, /^kwargs: kwargs nest deeper than 32 levels/],
  ])('refuses %j naming the field', (options, message) => {
    expect(fieldOf(() => validateApply(task, options, now))).toMatch(message);
  });

  it('refuses arguments thousands of levels deep without overflowing its own check', () => {
    expect(fieldOf(() => validateApply(task, { args: [nested(3_000)] }, now))).toMatch(/^args: /);
  });

  it('takes the bounds themselves', () => {
    const at = { timeLimit: MAX_TIME_LIMIT_S, countdown: MAX_COUNTDOWN_S };
    expect(validateApply(task, at, now).delayMs).toBe(MAX_COUNTDOWN_S * 1000);
    expect(validateApply(task, { kwargs: nested(MAX_ARGUMENT_DEPTH) }, now).kwargs).toBeDefined();
  });
});

describe('bindArguments', () => {
  it('binds positional args to params and merges kwargs', () => {
    expect(bindArguments(task.options, [30], {})).toEqual({ days_old: 30 });
    expect(bindArguments(task.options, [], { days_old: 7 })).toEqual({ days_old: 7 });
  });

  it('refuses extra positionals, unknown kwargs and a value given twice', () => {
    expect(fieldOf(() => bindArguments(task.options, [1, 2], {}))).toMatch(
      /^args: .* takes 1 positional/,
    );
    expect(fieldOf(() => bindArguments(task.options, [], { days: 1 }))).toMatch(
      /^kwargs: .*unexpected keyword argument "days"/,
    );
    expect(fieldOf(() => bindArguments(task.options, [1], { days_old: 2 }))).toMatch(
      /^kwargs: .*multiple values/,
    );
  });
});
