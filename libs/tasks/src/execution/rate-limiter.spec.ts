import { parseRate, RateLimiter } from './rate-limiter';

describe('rate limits', () => {
  it('parses Celery rate strings into an interval', () => {
    expect(parseRate('10/s')).toBe(100);
    expect(parseRate('100/m')).toBe(600);
    expect(parseRate('1000/h')).toBe(3600);
    expect(parseRate(4)).toBe(250);
    expect(() => parseRate('fast')).toThrow(/10\/s/);
    expect(() => parseRate('0/s')).toThrow();
  });

  it('spaces runs of one task name, each name on its own', () => {
    let now = 1000;
    const limiter = new RateLimiter(() => now);
    expect([
      limiter.reserve('a', 100),
      limiter.reserve('a', 100),
      limiter.reserve('a', 100),
    ]).toEqual([0, 100, 200]);
    expect(limiter.reserve('b', 100)).toBe(0);
    now = 1500;
    expect(limiter.reserve('a', 100)).toBe(0);
  });
});
