import { redactArguments, redactMessage, redactStrings, redactValue, TOO_DEEP } from './redaction';
import { REDACTED } from './secret-policy';

describe('redaction', () => {
  it('masks password/secret/token-like keys at any depth', () => {
    expect(
      redactValue({
        user: 'u',
        password: 'p',
        nested: { api_key: 'k', list: [{ token: 't', ok: 1 }] },
      }),
    ).toEqual({
      user: 'u',
      password: REDACTED,
      nested: { api_key: REDACTED, list: [{ token: REDACTED, ok: 1 }] },
    });
  });

  it('masks declared sensitive params, positional or keyword', () => {
    const task = {
      params: ['mission_id', 'signing_key_material'],
      sensitive: ['signing_key_material'],
    };
    expect(redactArguments(task, ['m1', 'abc'], {})).toEqual({
      args: ['m1', REDACTED],
      kwargs: {},
    });
    expect(redactArguments(task, [], { signing_key_material: 'abc' }).kwargs).toEqual({
      signing_key_material: REDACTED,
    });
  });
});

describe('redactMessage (a raw job)', () => {
  it('masks declared positional params, secret kwargs, callbacks and the last error', () => {
    const task = {
      params: ['mission_id', 'signing_key_material'],
      sensitive: ['signing_key_material'],
    };
    expect(
      redactMessage(task, {
        taskId: 't1',
        args: ['m1', 'abc'],
        kwargs: { api_key: 'k' },
        linkError: [{ name: 'n', kwargs: { password: 'p' } }],
        lastError: { type: 'Error', message: 'GET http://u:pw@h/ failed', traceback: null },
        retries: 0,
      }),
    ).toEqual({
      taskId: 't1',
      args: ['m1', REDACTED],
      kwargs: { api_key: REDACTED },
      linkError: [{ name: 'n', kwargs: { password: REDACTED } }],
      lastError: { type: 'Error', message: `GET http://u:${REDACTED}@h/ failed`, traceback: null },
      retries: 0,
    });
  });
});

describe('redactStrings (results)', () => {
  it('masks URL credentials in strings at any depth and keeps every key', () => {
    expect(
      redactStrings({
        api_keys: 3,
        recipients: [{ recipient: 'https://h/hook?token=s3cret', outcome: 'delivered' }],
        at: null,
      }),
    ).toEqual({
      api_keys: 3,
      recipients: [{ recipient: `https://h/hook?token=${REDACTED}`, outcome: 'delivered' }],
      at: null,
    });
  });
});

describe("redactValue on a value nested past any sender's bound", () => {
  it('elides what lies too deep instead of overflowing the stack', () => {
    let value: Record<string, unknown> = { token: 'x' };
    for (let i = 0; i < 5_000; i++) value = { a: value };
    let shown = redactValue(value) as Record<string, unknown>;
    let depth = 0;
    while (typeof shown === 'object') {
      shown = shown.a as Record<string, unknown>;
      depth++;
    }
    expect(shown).toBe(TOO_DEEP);
    expect(depth).toBe(64);
  });
});
