import { existsSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Scoreboard } from './scoreboard';

describe('Scoreboard', () => {
  const path = () => join(mkdtempSync(join(tmpdir(), 'scoreboard-')), 'child.scoreboard');

  it('answers the task started last, and removes its file', () => {
    const file = path();
    const board = new Scoreboard(file);
    board.started('a-long-task-id-0123456789');
    board.started('42');
    board.close();
    expect(Scoreboard.readAndRemove(file)).toBe('42');
    expect(existsSync(file)).toBe(false);
  });

  it('keeps ids of any length and content whole', () => {
    const file = path();
    const board = new Scoreboard(file);
    const long = `task-${'x'.repeat(300)}-é\n ends in a space `;
    board.started('short');
    board.started(long);
    board.close();
    expect(Scoreboard.readAndRemove(file)).toBe(long);
  });

  it('answers nothing for a child that started no task, or left no file', () => {
    const file = path();
    new Scoreboard(file).close();
    expect(Scoreboard.readAndRemove(file)).toBeUndefined();
    expect(Scoreboard.readAndRemove(file)).toBeUndefined();
  });

  it('refuses a file already in its place (planted, or a symlink to elsewhere)', () => {
    const planted = path();
    writeFileSync(planted, 'not ours');
    expect(() => new Scoreboard(planted)).toThrow(/EEXIST/);
    const link = path();
    symlinkSync(join(tmpdir(), 'elsewhere'), link);
    expect(() => new Scoreboard(link)).toThrow(/EEXIST/);
  });
});
