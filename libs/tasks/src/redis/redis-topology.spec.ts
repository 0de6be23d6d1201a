import { mastersOfSlots, replicasOf } from './redis-topology';

describe('replicasOf', () => {
  it('reads the replicas of INFO replication', () => {
    const info = [
      '# Replication',
      'role:master',
      'connected_slaves:2',
      'slave0:ip=10.0.0.2,port=6380,state=online,offset=42,lag=0',
      'slave1:ip=10.0.0.3,port=6381,state=wait_bgsave,offset=0,lag=1',
      'master_failover_state:no-failover',
    ].join('\r\n');
    expect(replicasOf(info)).toEqual(['10.0.0.2:6380', '10.0.0.3:6381']);
    expect(replicasOf('role:master\r\nconnected_slaves:0')).toEqual([]);
  });
});

describe('mastersOfSlots', () => {
  it('groups CLUSTER SLOTS by master, in slot order', () => {
    const reply: Parameters<typeof mastersOfSlots>[0] = [
      [10923, 16383, ['127.0.0.1', 7002, 'c'], ['127.0.0.1', 7005, 'f']],
      [0, 5460, ['127.0.0.1', 7000, 'a'], ['127.0.0.1', 7003, 'd']],
      [5461, 10922, ['127.0.0.1', 7001, 'b']],
      [16383, 16383, ['127.0.0.1', 7000, 'a'], ['127.0.0.1', 7003, 'd']],
    ];
    expect(mastersOfSlots(reply)).toEqual([
      {
        master: '127.0.0.1:7000',
        slots: [
          [0, 5460],
          [16383, 16383],
        ],
        replicas: ['127.0.0.1:7003'],
      },
      { master: '127.0.0.1:7001', slots: [[5461, 10922]], replicas: [] },
      { master: '127.0.0.1:7002', slots: [[10923, 16383]], replicas: ['127.0.0.1:7005'] },
    ]);
  });
});
