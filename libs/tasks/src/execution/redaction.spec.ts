import { REDACTED, redactArguments, redactValue } from './redaction';

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
