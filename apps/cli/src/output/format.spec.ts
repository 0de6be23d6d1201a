import { formatBytes, formatCall, formatDuration, formatTime, formatValue } from './format';
import { renderTable } from './print';

describe('CLI formatters', () => {
  it('formats durations, sizes, times and values for table cells', () => {
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(125)).toBe('2m 5s');
    expect(formatDuration(3725)).toBe('1h 2m');
    expect(formatDuration(90_061)).toBe('1d 1h');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(104_857_600)).toBe('100.0 MiB');
    expect(formatTime('2026-11-29T10:30:00.123Z')).toBe('2026-11-29 10:30:00');
    expect(formatTime(null)).toBeNull();
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
    expect(formatValue('x'.repeat(100), 10)).toBe(`${'"'}${'x'.repeat(8)}…`);
    expect(formatCall([1, 'a'], { seconds: 5 })).toBe('(1, "a", seconds=5)');
  });

  it('renders an aligned table without borders, `-` for empty cells', () => {
    const text = renderTable(
      [
        { name: 'a', n: 1 },
        { name: 'longer', n: null },
      ],
      [
        { header: 'NAME', value: (r) => r.name },
        { header: 'N', value: (r) => r.n, align: 'right' },
      ],
    );
    expect(text.split('\n')).toEqual(['NAME    N', 'a       1', 'longer  -']);
  });
});
