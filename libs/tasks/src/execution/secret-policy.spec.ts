import { redactValue } from './redaction';
import { isSecretName, REDACTED, redactText, redactUrlCredentials } from './secret-policy';

describe('isSecretName', () => {
  it.each([
    'password',
    'db_password',
    'passwd',
    'pass',
    'PWD',
    'secret',
    'client-secret',
    'token',
    'access_token',
    'refreshToken',
    'api_key',
    'api-key',
    'apikey',
    'apiKey',
    'X-Api-Key',
    'Authorization',
    'proxy-authorization',
    'auth',
    'basic_auth',
    'X-Auth-Token',
    'Cookie',
    'set-cookie',
    'dsn',
    'SENTRY_DSN',
    'private_key',
    'privateKey',
    'credentials',
    'aws_credential',
    'session',
    'session_id',
    'JWT',
  ])('%s is a secret', (name) => expect(isSecretName(name)).toBe(true));

  it.each([
    'name',
    'user',
    'username',
    'author',
    'authority',
    'passenger',
    'compass',
    'mission_id',
    'url',
    'content-type',
    'accept',
    'days_old',
  ])('%s is not', (name) => expect(isSecretName(name)).toBe(false));
});

describe('redactUrlCredentials', () => {
  it('masks the password of the userinfo and secret query parameters, keeping the rest', () => {
    expect(redactUrlCredentials('http://user:pa55word@host:81/path?token=s3cret&page=2')).toBe(
      `http://user:${REDACTED}@host:81/path?token=${REDACTED}&page=2`,
    );
    expect(redactUrlCredentials('redis://:hunter2@cache:6380/2')).toBe(
      `redis://:${REDACTED}@cache:6380/2`,
    );
  });

  it('masks a lone userinfo (a token as user name) whole, and an @ inside a password', () => {
    expect(redactUrlCredentials('https://ghp_abc123@github.com/x.git')).toBe(
      `https://${REDACTED}@github.com/x.git`,
    );
    expect(redactUrlCredentials('http://u:p@ss@host/')).toBe(`http://u:${REDACTED}@host/`);
  });

  it('masks api_key variants, map-API keys, signatures and fragment tokens', () => {
    expect(
      redactUrlCredentials('https://h/p?API-KEY=a1&key=k2&sig=s3&q=ok#access_token=t4&x=1'),
    ).toBe(
      `https://h/p?API-KEY=${REDACTED}&key=${REDACTED}&sig=${REDACTED}&q=ok#access_token=${REDACTED}&x=1`,
    );
  });

  it('leaves a URL without credentials as written', () => {
    expect(redactUrlCredentials('https://example.com/a/b?page=2#top')).toBe(
      'https://example.com/a/b?page=2#top',
    );
  });
});

describe('redactText', () => {
  it('masks the credentials of every URL in a message, and bearer values', () => {
    const text =
      'GET http://user:pa55word@127.0.0.1:9/p?token=s3cret failed; retry "https://x/y?apikey=k9"' +
      ' with Authorization: Bearer abcdef123456';
    const shown = redactText(text);
    for (const secret of ['pa55word', 's3cret', 'k9"', 'abcdef123456'])
      expect(shown).not.toContain(secret);
    expect(shown).toBe(
      `GET http://user:${REDACTED}@127.0.0.1:9/p?token=${REDACTED} failed; retry "https://x/y?apikey=${REDACTED}"` +
        ` with Authorization: Bearer ${REDACTED}`,
    );
  });

  it('masks Basic credentials but not the words "Basic authentication"', () => {
    expect(redactText('Authorization: Basic dXNlcjpwYXNz')).toBe(
      `Authorization: Basic ${REDACTED}`,
    );
    expect(redactText('Basic authentication required')).toBe('Basic authentication required');
  });

  it('returns a text without URLs as it is', () => {
    expect(redactText('step 1 (compute): bad op')).toBe('step 1 (compute): bad op');
    expect(redactText('')).toBe('');
  });
});

describe('redactValue with the policy', () => {
  it('masks secret headers and credentials inside URL values, at any depth', () => {
    const payload = {
      steps: [
        {
          type: 'http',
          url: 'http://user:pa55word@h:1/p?token=s3cret',
          headers: { Authorization: 'Bearer t', Cookie: 'sid=1', 'X-Api-Key': 'k', Accept: 'a' },
          body: { password: 'p', nested: { dsn: 'postgres://u:pw@db/x', name: 'n' } },
        },
      ],
    };
    expect(redactValue(payload)).toEqual({
      steps: [
        {
          type: 'http',
          url: `http://user:${REDACTED}@h:1/p?token=${REDACTED}`,
          headers: {
            Authorization: REDACTED,
            Cookie: REDACTED,
            'X-Api-Key': REDACTED,
            Accept: 'a',
          },
          body: { password: REDACTED, nested: { dsn: REDACTED, name: 'n' } },
        },
      ],
    });
  });
});
