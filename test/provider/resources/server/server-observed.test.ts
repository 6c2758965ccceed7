import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flavorLabel, runsOnFlavor, toServerObserved } from '../../../../provider/resources/server/server-observed.ts';

/** Bodies shaped like Nova's api samples (doc/api_samples/servers) at three microversions. */

const ID = '9168b536-cd40-4630-b43f-b259807c6e87';
const IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b';

/** 2.1: flavor {id, links}; no description, no tags; volumes_attached items are {id}. */
const v21 = {
  server: {
    id: ID, name: 'new-server-test', status: 'ACTIVE', tenant_id: '6f70656e737461636b20342065766572', user_id: 'admin',
    metadata: { 'My Server Name': 'Apache1', 'novaform:stack': 'prod' },
    hostId: '2091634baaccdc4c5a1d57069c833e402921df696b7f970791b12ec6',
    image: { id: IMAGE, links: [{ rel: 'bookmark', href: `http://openstack.example.com/images/${IMAGE}` }] },
    flavor: { id: '1', links: [{ rel: 'bookmark', href: 'http://openstack.example.com/flavors/1' }] },
    created: '2013-09-03T04:01:32Z', updated: '2013-09-03T04:01:33Z',
    addresses: { private: [{ addr: '192.168.1.30', 'OS-EXT-IPS-MAC:mac_addr': 'aa:bb:cc:dd:ee:ff', 'OS-EXT-IPS:type': 'fixed', version: 4 }] },
    accessIPv4: '1.2.3.4', accessIPv6: '80fe::', links: [],
    key_name: null, config_drive: '',
    'OS-DCF:diskConfig': 'AUTO', 'OS-EXT-AZ:availability_zone': 'nova',
    'OS-EXT-SRV-ATTR:host': 'compute', 'OS-EXT-SRV-ATTR:hypervisor_hostname': 'fake-mini', 'OS-EXT-SRV-ATTR:instance_name': 'instance-00000001',
    'OS-EXT-STS:power_state': 1, 'OS-EXT-STS:task_state': null, 'OS-EXT-STS:vm_state': 'active',
    'OS-SRV-USG:launched_at': '2013-09-23T13:37:00.880302', 'OS-SRV-USG:terminated_at': null,
    'os-extended-volumes:volumes_attached': [{ id: 'volume_id1' }, { id: 'volume_id2' }],
    security_groups: [{ name: 'default' }], progress: 0,
  },
};

/** 2.47: flavor embedded ({original_name, vcpus, ...}, extra_specs), description, tags, user data (admin, 2.3+). */
const v247 = {
  server: {
    ...v21.server,
    status: 'SHUTOFF',
    'OS-EXT-STS:power_state': 4, 'OS-EXT-STS:vm_state': 'stopped',
    flavor: { disk: 1, ephemeral: 0, extra_specs: { 'hw:cpu_policy': 'dedicated' }, original_name: 'm1.tiny', ram: 512, swap: 0, vcpus: 1 },
    description: null, tags: ['web', 'blue'], locked: false,
    key_name: 'ops',
    'OS-EXT-SRV-ATTR:user_data': Buffer.from('#!/bin/sh\necho hi\n').toString('base64'),
    'os-extended-volumes:volumes_attached': [{ id: 'volume_id1', delete_on_termination: false }],
  },
};

/** 2.79, a member's view of a server in ERROR: no OS-EXT-SRV-ATTR:*, fault without details, boot from volume (image ""). */
const v279 = {
  id: ID, name: 'broken', status: 'ERROR', tenant_id: 'p', user_id: 'u', metadata: {}, hostId: '',
  image: '',
  flavor: { disk: 0, ephemeral: 0, original_name: 'm1.nodisk', ram: 512, swap: 0, vcpus: 1 },
  created: '2019-04-23T15:19:09Z', updated: '2019-04-23T15:19:10Z', addresses: {}, links: [],
  key_name: null, description: 'a server', tags: [], locked: false, trusted_image_certificates: null,
  'OS-EXT-AZ:availability_zone': '', 'OS-EXT-STS:power_state': 0, 'OS-EXT-STS:task_state': null, 'OS-EXT-STS:vm_state': 'error',
  'os-extended-volumes:volumes_attached': [{ id: 'root-vol', delete_on_termination: true }],
  fault: { code: 500, created: '2019-04-23T15:19:10Z', message: 'No valid host was found. There are not enough hosts available.' },
};

describe('toServerObserved', () => {
  it('2.1: flavor by id, no description or tags, admin host', () => {
    const o = toServerObserved(v21);
    assert.equal(o.id, ID);
    assert.equal(o.status, 'ACTIVE');
    assert.equal(o.taskState, null);
    assert.equal(o.vmState, 'active');
    assert.equal(o.powerState, 1);
    assert.deepEqual(o.flavor, { id: '1' });
    assert.equal(o.imageId, IMAGE);
    assert.equal(o.keyName, null);
    assert.equal(o.availabilityZone, 'nova');
    assert.deepEqual(o.metadata, { 'My Server Name': 'Apache1', 'novaform:stack': 'prod' });
    assert.equal(o.tags, undefined);
    assert.equal(o.description, undefined);
    assert.equal('description' in o, false);
    assert.deepEqual(o.volumeIds, ['volume_id1', 'volume_id2']);
    assert.deepEqual(Object.keys(o.addresses), ['private']);
    assert.equal(o.fault, undefined);
    assert.equal(o.userData, undefined);
    assert.equal(o.host, 'compute');
    assert.equal(flavorLabel(o), '1');
    assert.equal(runsOnFlavor(o, { id: '1', name: 'whatever' }), true);
    assert.equal(runsOnFlavor(o, { id: '2', name: 'm1.tiny' }), false);
  });

  it('2.47: embedded flavor by name, tags sorted, description null, user data decoded', () => {
    const o = toServerObserved(v247);
    assert.equal(o.status, 'SHUTOFF');
    assert.equal(o.powerState, 4);
    assert.deepEqual(o.flavor, { name: 'm1.tiny', vcpus: 1, ram: 512, disk: 1, ephemeral: 0, swap: 0, extraSpecs: { 'hw:cpu_policy': 'dedicated' } });
    assert.equal('id' in o.flavor, false);
    assert.deepEqual(o.tags, ['blue', 'web']);
    assert.equal(o.description, null);
    assert.equal(o.keyName, 'ops');
    assert.equal(o.userData, '#!/bin/sh\necho hi\n');
    assert.deepEqual(o.volumeIds, ['volume_id1']);
    assert.equal(flavorLabel(o), 'm1.tiny');
    assert.equal(runsOnFlavor(o, { id: 'x', name: 'm1.tiny' }), true);
    assert.equal(runsOnFlavor(o, { id: '1', name: 'm1.small' }), false);
  });

  it('2.79 as a member, in ERROR: fault, boot from volume, no admin attributes', () => {
    const o = toServerObserved(v279);
    assert.equal(o.status, 'ERROR');
    assert.deepEqual(o.fault, { code: 500, message: 'No valid host was found. There are not enough hosts available.' });
    assert.equal(o.imageId, undefined);
    assert.equal(o.description, 'a server');
    assert.deepEqual(o.tags, []);
    assert.equal(o.availabilityZone, '');
    assert.equal(o.userData, undefined);
    assert.equal('host' in o, false);
    assert.deepEqual(o.volumeIds, ['root-vol']);
    assert.deepEqual(o.flavor, { name: 'm1.nodisk', vcpus: 1, ram: 512, disk: 0, ephemeral: 0, swap: 0 });
  });

  it('user data null (admin, none set) is null, not undefined', () => {
    const o = toServerObserved({ ...v247.server, 'OS-EXT-SRV-ATTR:user_data': null });
    assert.equal(o.userData, null);
  });

  it('a task under way is kept (the status alone hides it)', () => {
    const o = toServerObserved({ ...v21.server, 'OS-EXT-STS:task_state': 'powering-off' });
    assert.equal(o.status, 'ACTIVE');
    assert.equal(o.taskState, 'powering-off');
  });

  it('metadata values are strings; missing lists are empty', () => {
    const o = toServerObserved({ id: 'x', name: 'n', status: 'BUILD', metadata: { n: 1 } });
    assert.deepEqual(o.metadata, { n: '1' });
    assert.deepEqual(o.volumeIds, []);
    assert.deepEqual(o.addresses, {});
    assert.equal(o.taskState, null);
  });

  it('refuses a body that is not a server', () => {
    assert.throws(() => toServerObserved({ servers: [] }), /no "id"/);
  });
});
