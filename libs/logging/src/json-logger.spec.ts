import { Logger } from '@nestjs/common';
import { createJsonLogger } from './json-logger';

describe('JsonLogger (LOG_FORMAT=json)', () => {
  // nestjs-pino keeps one pino a process (a test file): one logger, at info, for every case.
  const lines: string[] = [];
  const logger = createJsonLogger('info', { write: (line: string) => void lines.push(line) });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeEach(() => {
    lines.length = 0;
    Logger.overrideLogger(logger);
  });

  afterAll(() => {
    Logger.overrideLogger(true);
  });

  it('writes one JSON object a line, with level name, ISO time, context and message', () => {
    new Logger('Worker').log('worker w1 ready');
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(records()[0]).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      pid: process.pid,
      hostname: expect.any(String),
      context: 'Worker',
      msg: 'worker w1 ready',
    });
  });

  it('puts structured fields on the record itself', () => {
    const fields = { task_id: 'abc', task_name: 'tests.add', queue: 'default', worker: 'w1' };
    new Logger('Task').log('tests.add[abc] received', fields);
    expect(records()[0]).toMatchObject({ ...fields, msg: 'tests.add[abc] received' });
    expect(records()[0]).not.toHaveProperty('params');
  });

  it('keeps an error’s stack as a field', () => {
    new Logger('Dispatcher').error('job 1 on default: boom', 'Error: boom\n    at x (y.js:1:1)');
    expect(records()[0]).toMatchObject({
      level: 'error',
      msg: 'job 1 on default: boom',
      stack: 'Error: boom\n    at x (y.js:1:1)',
    });
  });

  it('leaves out debug, and Nest’s start-up detail, at info', () => {
    new Logger('InstanceLoader').log('WorkerAppModule dependencies initialized');
    new Logger('RouterExplorer').log('Mapped {/api/tasks, GET} route');
    new Logger('Client').debug('sent tests.add[abc] to default');
    new Logger('Api').warn('ADMIN_API_KEY is not set');
    expect(records().map((r) => [r.level, r.msg])).toEqual([['warn', 'ADMIN_API_KEY is not set']]);
  });

  it('masks credentials in the message, secret-named fields and the stack', () => {
    new Logger('Mission').error(
      'GET http://u:pa55word@h/p?token=s3cret failed',
      'Error: at http://u:pa55word@h/p?token=s3cret\n    at x (y.js:1:1)',
    );
    new Logger('Task').log('sent', { task_id: 'abc', password: 'hunter2' });
    expect(lines.join('')).not.toMatch(/pa55word|s3cret|hunter2/);
    expect(records()[0]).toMatchObject({ msg: 'GET http://u:***@h/p?token=*** failed' });
    expect(records()[1]).toMatchObject({ task_id: 'abc', password: '***' });
  });
});
