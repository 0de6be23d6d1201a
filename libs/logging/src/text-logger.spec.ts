import { Logger } from '@nestjs/common';
import { stripVTControlCharacters } from 'node:util';
import { TextLogger } from './text-logger';

describe('TextLogger (LOG_FORMAT=text)', () => {
  let out: string[];

  beforeEach(() => {
    out = [];
    for (const stream of [process.stdout, process.stderr])
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        // Without colours: the terminal's escape codes are not what is asserted.
        out.push(stripVTControlCharacters(String(chunk)));
        return true;
      });
  });

  afterEach(() => {
    jest.restoreAllMocks();
    Logger.overrideLogger(true);
  });

  const logAll = () => {
    new Logger('NestFactory').log('Starting Nest application...');
    new Logger('InstanceLoader').log('WorkerAppModule dependencies initialized');
    new Logger('RoutesResolver').log('TasksController {/api/tasks}:');
    new Logger('RouterExplorer').log('Mapped {/api/tasks, GET} route');
    new Logger('NestApplication').log('Nest application successfully started');
    new Logger('Task').log('tests.add[abc] received', { task_id: 'abc', queue: 'default' });
    new Logger('Client').debug('sent tests.add[abc] to default');
    new Logger('Api').warn('ADMIN_API_KEY is not set');
    new Logger('Task').error('tests.fail[abc] failed: Error: boom');
  };
  const contexts = () => out.map((line) => /(?:LOG|DEBUG|WARN|ERROR) \[(\w+)\]/.exec(line)?.[1]);

  it('at info: operator lines, the human line alone, no start-up detail', () => {
    Logger.overrideLogger(new TextLogger('info'));
    logAll();
    expect(contexts()).toEqual(['Task', 'Api', 'Task']);
    expect(out[0]).toMatch(/LOG \[Task\] tests\.add\[abc\] received\n$/);
  });

  it('at debug: start-up detail and debug lines too', () => {
    Logger.overrideLogger(new TextLogger('debug'));
    logAll();
    expect(contexts()).toEqual([
      'NestFactory',
      'InstanceLoader',
      'RoutesResolver',
      'RouterExplorer',
      'NestApplication',
      'Task',
      'Client',
      'Api',
      'Task',
    ]);
    expect(out[1]).toMatch(/DEBUG \[InstanceLoader\] WorkerAppModule dependencies initialized/);
  });

  it.each([
    ['warn', ['Api', 'Task']],
    ['error', ['Task']],
  ] as const)('at %s: only what is that severe', (level, expected) => {
    Logger.overrideLogger(new TextLogger(level));
    logAll();
    expect(contexts()).toEqual(expected);
  });

  it('masks credentials in messages and stacks, whoever logs them', () => {
    Logger.overrideLogger(new TextLogger('info'));
    new Logger('Mission').error(
      'GET http://u:pa55word@h/p?token=s3cret failed',
      'Error: at http://u:pa55word@h/p?token=s3cret\n    at x (y.js:1:1)',
    );
    const text = out.join('');
    expect(text).toContain('GET http://u:***@h/p?token=*** failed');
    expect(text).not.toMatch(/pa55word|s3cret/);
  });
});
