import { engineKeys } from './engine-keys';
import { keyPrefix, keyPrefixFor } from './key-layout';
import { bullQueueKeys } from '../bullmq/queue-keys';

describe('keyPrefix', () => {
  it('keeps the untagged layout on one server and on Sentinel (no migration)', () => {
    expect(keyPrefix('brain', 'standalone')).toBe('brain');
    expect(keyPrefix('brain', 'sentinel')).toBe('brain');
    expect(keyPrefixFor('brain', 'redis://localhost:6379')).toBe('brain');
  });

  it('puts every key of a Cluster under one hash tag', () => {
    const prefix = keyPrefixFor('brain', 'redis-cluster://a:7000,b:7001');
    expect(prefix).toBe('{brain}');
    expect(bullQueueKeys(prefix, 'default').wait).toMatch(/^\{brain\}:default:/);
    expect(engineKeys(prefix).taskIndex).toBe('{brain}:tasks');
    expect(engineKeys(prefix).worker('h1')).toBe('{brain}:worker:h1');
  });

  it('takes a prefix that already holds a tag as it is', () => {
    expect(keyPrefix('{acme}:brain', 'cluster')).toBe('{acme}:brain');
  });
});
