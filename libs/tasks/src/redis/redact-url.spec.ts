import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  it('masks the password and secret query parameters, and keeps the rest', () => {
    expect(redactUrl('redis://:hunter2@cache:6380/2')).toBe('redis://:***@cache:6380/2');
    expect(redactUrl('postgres://app:s3cret@db/brain?password=s3cret&sslmode=require')).toBe(
      'postgres://app:***@db/brain?password=***&sslmode=require',
    );
    expect(redactUrl('sqlite:///var/lib/brain.db')).toBe('sqlite:///var/lib/brain.db');
  });

  it('masks Sentinel and Cluster URLs, whose host lists are no WHATWG URL', () => {
    expect(redactUrl('redis-sentinel://app:hunter2@s1:26379,s2:26379/mymaster/0')).toBe(
      'redis-sentinel://app:***@s1:26379,s2:26379/mymaster/0',
    );
    expect(redactUrl('rediss-cluster://:hunter2@n1:7000,n2:7001')).toBe(
      'rediss-cluster://:***@n1:7000,n2:7001',
    );
  });

  it('never echoes what it cannot parse', () => {
    expect(redactUrl('not a url with a s3cret')).toBe('<invalid url>');
  });
});
