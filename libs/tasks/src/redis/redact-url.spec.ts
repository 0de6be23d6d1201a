import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  it('masks the password and secret query parameters, and keeps the rest', () => {
    expect(redactUrl('redis://:hunter2@cache:6380/2')).toBe('redis://:***@cache:6380/2');
    expect(redactUrl('postgres://app:s3cret@db/brain?password=s3cret&sslmode=require')).toBe(
      'postgres://app:***@db/brain?password=***&sslmode=require',
    );
    expect(redactUrl('sqlite:///var/lib/brain.db')).toBe('sqlite:///var/lib/brain.db');
  });

  it('never echoes what it cannot parse', () => {
    expect(redactUrl('not a url with a s3cret')).toBe('<invalid url>');
  });
});
