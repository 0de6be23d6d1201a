import { engineKeys } from './engine-keys';
import {
  choosePartition,
  keyPrefix,
  keyPrefixFor,
  partitionOfTaskId,
  partitionPrefix,
  slotOfKey,
  taskIdIn,
} from './key-layout';
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

describe('partitions', () => {
  it('keeps partition 0 at the prefix of before, and names the others apart', () => {
    expect(partitionPrefix('brain', 'standalone', 0)).toBe('brain');
    expect(partitionPrefix('brain', 'standalone', 2)).toBe('brain:p2');
    expect(partitionPrefix('{brain}', 'cluster', 0)).toBe('{brain}');
    expect(partitionPrefix('{brain}', 'cluster', 1)).toBe('{brain:p1}');
    expect(partitionPrefix('{brain}', 'cluster', 1, 3)).toBe('{brain:p1:3}');
    expect(bullQueueKeys(partitionPrefix('{brain}', 'cluster', 2), 'default').wait).toMatch(
      /^\{brain:p2\}:default:/,
    );
  });

  it('reads the partition from a task id, partition 0 for ids without a suffix', () => {
    const uuid = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(partitionOfTaskId(uuid)).toBe(0);
    expect(partitionOfTaskId(taskIdIn(0, uuid))).toBe(0);
    expect(taskIdIn(3, uuid)).toBe(`${uuid}-p3`);
    expect(partitionOfTaskId(`${uuid}-p3`)).toBe(3);
    expect(partitionOfTaskId(`${uuid}-p63`)).toBe(63);
    expect(partitionOfTaskId('repeat:abc:1700000000000')).toBe(0);
    expect(partitionOfTaskId('job-p0')).toBe(0);
  });

  it('places by partition key (same key, same partition) or at random', () => {
    expect(choosePartition(1, 'tenant-1')).toBe(0);
    const p = choosePartition(3, 'tenant-1');
    for (let i = 0; i < 5; i++) expect(choosePartition(3, 'tenant-1', Math.random())).toBe(p);
    const keys = Array.from({ length: 300 }, (_, i) => choosePartition(3, `tenant-${i}`));
    for (const n of [0, 1, 2]) expect(keys.filter((k) => k === n).length).toBeGreaterThan(60);
    expect(choosePartition(3, undefined, 0)).toBe(0);
    expect(choosePartition(3, undefined, 0.5)).toBe(1);
    expect(choosePartition(3, undefined, 0.99)).toBe(2);
  });
});

describe('slotOfKey', () => {
  it("hashes as Redis Cluster does (the values of Redis's CLUSTER KEYSLOT documentation)", () => {
    expect(slotOfKey('somekey')).toBe(11058);
    expect(slotOfKey('foo{hash_tag}')).toBe(2515);
    expect(slotOfKey('bar{hash_tag}')).toBe(2515);
  });

  it("puts every key of a partition in its prefix's slot", () => {
    const prefix = partitionPrefix('{brain}', 'cluster', 2, 1);
    const slot = slotOfKey(prefix);
    expect(slotOfKey(bullQueueKeys(prefix, 'high_priority').wait)).toBe(slot);
    expect(slotOfKey(engineKeys(prefix).taskIndex)).toBe(slot);
    expect(slotOfKey(bullQueueKeys('{brain}', 'default').wait)).toBe(slotOfKey('{brain}'));
  });
});
