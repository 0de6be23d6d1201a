import { replicasOf } from './redis-topology';

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
