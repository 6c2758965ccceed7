import type { RawResponse } from './raw-cloud.ts';
import type { RequestStep, Step, Vars, Versions, WaitStep } from './differential-kit.ts';

/**
 * The differential script: one sequence of requests, success and error
 * cases across every API the engine serves, run once per microversion on
 * the engine and on the real cloud. Objects are named `<prefix>-...`; the
 * last steps delete them (and the test's `after` sweeps any leftovers).
 *
 * Rules for the real cloud (shared with other tests): only our own
 * prefixed objects; hosts join only a metadata-only aggregate, and only
 * between two adjacent steps; the demo quota is restored to what it was.
 */

const n = (mv: string) => Number(mv.split('.')[1]);
const at = (min: number) => (mv: Versions) => n(mv.compute) >= min;
const below = (max: number) => (mv: Versions) => n(mv.compute) < max;
const networks = (mv: Versions) => (n(mv.compute) >= 37 ? { networks: 'none' } : {});

export const PUBLIC_KEY = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDx8nkQv/zgGgB4rMYmIf+6A4l6Rr+o/6lHBQdW5aYd44bd8JttDCE/F/pNRr0lRE+PiqSPO8nDPHw0010JeMH9gYgnnFlyY3/OcJ02RhIPyyxYpv9FhY+2YiUkpwFOcLImyrxEsYXpD/0d3ac30bNH6Sw9JD9UZHYcpSxsIbECHw== Generated-by-Nova';
const MISSING = '00000000-0000-4000-8000-000000000000';

const saveId = (key: string, pick: (body: any) => unknown) => (v: Vars, r: RawResponse) => {
  if (r.status < 300 && r.body) v.ids[key] = String(pick(r.body));
};

const serverStatus = (key: string, status: string, name = `wait ${key} ${status}`): WaitStep => ({
  kind: 'wait', name, as: 'demo', service: 'compute', path: (v) => `/servers/${v.ids[key]}`,
  until: (r) => r.status === 200 && r.body.server.status === status && !r.body.server['OS-EXT-STS:task_state'],
});
const serverGone = (key: string): WaitStep => ({
  kind: 'wait', name: `wait ${key} gone`, as: 'demo', service: 'compute', path: (v) => `/servers/${v.ids[key]}`, until: (r) => r.status === 404,
});
const volumeStatus = (key: string, status: string): WaitStep => ({
  kind: 'wait', name: `wait ${key} ${status}`, as: 'demo', service: 'volume', path: (v) => `/volumes/${v.ids[key]}`,
  until: (r) => r.status === 200 && r.body.volume.status === status,
});
/**
 * Nova drops a detached volume's attachment after Cinder already shows the
 * volume available: until then real Nova answers a second detach 400
 * (Cinder says "not in use"), after it 404. Waiting for Nova's side makes
 * the next step ask the settled question.
 */
const noAttachments = (key: string): WaitStep => ({
  kind: 'wait', name: `wait ${key} without attachments`, as: 'demo', service: 'compute', path: (v) => `/servers/${v.ids[key]}/os-volume_attachments`,
  until: (r) => r.status === 200 && Array.isArray(r.body.volumeAttachments) && r.body.volumeAttachments.length === 0,
});
const volumeGone = (key: string): WaitStep => ({
  kind: 'wait', name: `wait ${key} gone`, as: 'demo', service: 'volume', path: (v) => `/volumes/${v.ids[key]}`, until: (r) => r.status === 404,
});

const action = (name: string, key: string, body: RequestStep['body'], extra: Partial<RequestStep> = {}): RequestStep => ({
  name, as: 'demo', service: 'compute', method: 'POST', path: (v) => `/servers/${v.ids[key]}/action`, body, ...extra,
});

function identitySteps(): Step[] {
  return [
    { name: 'auth: wrong password', as: 'anon', service: 'identity', method: 'POST', path: '/auth/tokens', body: {
      auth: { identity: { methods: ['password'], password: { user: { name: 'demo', domain: { name: 'Default' }, password: 'wrong' } } }, scope: { project: { name: 'demo', domain: { name: 'Default' } } } },
    } },
    { name: 'auth: unknown user', as: 'anon', service: 'identity', method: 'POST', path: '/auth/tokens', body: {
      auth: { identity: { methods: ['password'], password: { user: { name: 'nfd-nobody', domain: { name: 'Default' }, password: 'x' } } } },
    } },
    { name: 'auth: malformed body', as: 'anon', service: 'identity', method: 'POST', path: '/auth/tokens', body: { auth: {} } },
    { name: 'auth: validate own token', as: 'demo', service: 'identity', method: 'GET', path: '/auth/tokens', headers: (v) => ({ 'X-Subject-Token': v.demo.token }), dataMaps: ['token.catalog[].endpoints[]'] },
    { name: 'auth: validate a bogus token', as: 'admin', service: 'identity', method: 'GET', path: '/auth/tokens', headers: { 'X-Subject-Token': 'gAAAAABbogus' } },
    { name: 'compute without a token', as: 'anon', service: 'compute', method: 'GET', path: '/servers' },
    { name: 'compute with a bogus token', as: 'anon', service: 'compute', method: 'GET', path: '/servers', headers: { 'X-Auth-Token': 'gAAAAABbogus' } },
    { name: 'volume without a token', as: 'anon', service: 'volume', method: 'GET', path: '/volumes' },
  ];
}

function versionSteps(): Step[] {
  return [
    { name: 'compute GET /', as: 'anon', service: 'compute', method: 'GET', path: (v) => v.computeRoot, mv: null },
    { name: 'compute GET /v2.1/', as: 'anon', service: 'compute', method: 'GET', path: (v) => `${v.computeRoot}v2.1/`, mv: null },
    { name: 'compute GET /v2.1 (redirect)', as: 'anon', service: 'compute', method: 'GET', path: (v) => `${v.computeRoot}v2.1`, mv: null },
    { name: 'compute version 2.999 (406)', as: 'demo', service: 'compute', method: 'GET', path: '/flavors', mv: '2.999' },
    { name: 'compute version 3.0 (406)', as: 'demo', service: 'compute', method: 'GET', path: '/flavors', mv: '3.0' },
    { name: 'compute version 2.a (400)', as: 'demo', service: 'compute', method: 'GET', path: '/flavors', mv: '2.a' },
    { name: 'compute version latest', as: 'demo', service: 'compute', method: 'GET', path: '/os-keypairs', mv: 'latest' },
    { name: 'compute legacy version header', as: 'demo', service: 'compute', method: 'GET', path: '/os-keypairs', mv: null, headers: { 'X-OpenStack-Nova-API-Version': '2.35' } },
    { name: 'volume GET / (300)', as: 'anon', service: 'volume', method: 'GET', path: (v) => v.volumeRoot, mv: null },
    { name: 'volume GET /v3/', as: 'anon', service: 'volume', method: 'GET', path: (v) => `${v.volumeRoot}v3/`, mv: null },
    { name: 'volume version 3.999 (406)', as: 'demo', service: 'volume', method: 'GET', path: '/types', mv: '3.999' },
    { name: 'volume version latest', as: 'demo', service: 'volume', method: 'GET', path: '/types', mv: 'latest' },
  ];
}

function flavorSteps(): Step[] {
  const flavor = (v: Vars, suffix: string, extra: Record<string, unknown> = {}) => ({ flavor: { name: `${v.prefix}-${suffix}`, id: `${v.prefix}-${suffix}`, ram: 64, vcpus: 1, disk: 1, ...extra } });
  return [
    { name: 'flavor create', as: 'admin', service: 'compute', method: 'POST', path: '/flavors', body: (v) => flavor(v, 'f1', { swap: 0, 'OS-FLV-EXT-DATA:ephemeral': 0 }), save: saveId('f1', (b) => b.flavor.id) },
    { name: 'flavor create (second, for resize)', as: 'admin', service: 'compute', method: 'POST', path: '/flavors', body: (v) => flavor(v, 'f2', { vcpus: 2, ram: 128 }), save: saveId('f2', (b) => b.flavor.id) },
    { name: 'flavor create (no host fits)', as: 'admin', service: 'compute', method: 'POST', path: '/flavors', body: (v) => flavor(v, 'fbig', { disk: 2_000_000 }), save: saveId('fbig', (b) => b.flavor.id) },
    { name: 'flavor create: duplicate id', as: 'admin', service: 'compute', method: 'POST', path: '/flavors', body: (v) => ({ flavor: { ...flavor(v, 'f1').flavor, name: `${v.prefix}-other` } }) },
    { name: 'flavor create: duplicate name', as: 'admin', service: 'compute', method: 'POST', path: '/flavors', body: (v) => ({ flavor: { ...flavor(v, 'f1').flavor, id: `${v.prefix}-other` } }) },
    { name: 'flavor create: ram not a number', as: 'admin', service: 'compute', method: 'POST', path: '/flavors', body: (v) => flavor(v, 'bad', { ram: 'lots' }) },
    { name: 'flavor create: missing vcpus', as: 'admin', service: 'compute', method: 'POST', path: '/flavors', body: (v) => ({ flavor: { name: `${v.prefix}-bad`, ram: 64, disk: 1 } }) },
    { name: 'flavor create: description', as: 'admin', service: 'compute', method: 'POST', path: '/flavors', when: at(55), body: (v) => flavor(v, 'fdesc', { description: 'described' }), save: saveId('fdesc', (b) => b.flavor.id) },
    { name: 'flavor create: description before 2.55', as: 'admin', service: 'compute', method: 'POST', path: '/flavors', when: below(55), body: (v) => flavor(v, 'fdesc', { description: 'described' }) },
    { name: 'flavor create as member (403)', as: 'demo', service: 'compute', method: 'POST', path: '/flavors', body: (v) => flavor(v, 'member') },
    { name: 'flavor show', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/flavors/${v.ids.f1}` },
    { name: 'flavor show: missing', as: 'demo', service: 'compute', method: 'GET', path: '/flavors/nfd-no-such-flavor' },
    { name: 'flavor list', as: 'demo', service: 'compute', method: 'GET', path: '/flavors' },
    { name: 'flavor list detail', as: 'demo', service: 'compute', method: 'GET', path: '/flavors/detail?minRam=64&minDisk=1', dataMaps: ['flavors[].extra_specs'] },
    { name: 'flavor list: bad limit', as: 'demo', service: 'compute', method: 'GET', path: '/flavors?limit=-1' },
    { name: 'flavor update description', as: 'admin', service: 'compute', method: 'PUT', path: (v) => `/flavors/${v.ids.f1}`, body: { flavor: { description: 'updated' } } },
    { name: 'flavor update: name is not allowed', as: 'admin', service: 'compute', method: 'PUT', path: (v) => `/flavors/${v.ids.f1}`, when: at(55), body: { flavor: { name: 'renamed' } } },
    // extra specs
    { name: 'extra specs set', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/flavors/${v.ids.f1}/os-extra_specs`, body: { extra_specs: { 'hw:cpu_policy': 'shared', 'nfd:key': 'value' } } },
    { name: 'extra specs set as member (403)', as: 'demo', service: 'compute', method: 'POST', path: (v) => `/flavors/${v.ids.f1}/os-extra_specs`, body: { extra_specs: { 'nfd:key': 'value' } } },
    { name: 'extra specs set: not an object', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/flavors/${v.ids.f1}/os-extra_specs`, body: { extra_specs: 'x' } },
    { name: 'extra specs list', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/flavors/${v.ids.f1}/os-extra_specs` },
    { name: 'extra spec show', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/flavors/${v.ids.f1}/os-extra_specs/nfd:key` },
    { name: 'extra spec show: missing', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/flavors/${v.ids.f1}/os-extra_specs/nfd:none` },
    { name: 'extra spec update', as: 'admin', service: 'compute', method: 'PUT', path: (v) => `/flavors/${v.ids.f1}/os-extra_specs/nfd:key`, body: { 'nfd:key': 'other' } },
    { name: 'extra spec update: URI mismatch', as: 'admin', service: 'compute', method: 'PUT', path: (v) => `/flavors/${v.ids.f1}/os-extra_specs/nfd:key`, body: { 'nfd:other': 'x' } },
    { name: 'extra spec delete', as: 'admin', service: 'compute', method: 'DELETE', path: (v) => `/flavors/${v.ids.f1}/os-extra_specs/nfd:key` },
    { name: 'extra spec delete: missing', as: 'admin', service: 'compute', method: 'DELETE', path: (v) => `/flavors/${v.ids.f1}/os-extra_specs/nfd:key` },
    { name: 'flavor show with extra specs', as: 'admin', service: 'compute', method: 'GET', path: (v) => `/flavors/${v.ids.f1}` },
    // access
    { name: 'private flavor create', as: 'admin', service: 'compute', method: 'POST', path: '/flavors', body: (v) => flavor(v, 'fpriv', { 'os-flavor-access:is_public': false }), save: saveId('fpriv', (b) => b.flavor.id) },
    { name: 'private flavor: member cannot see it', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/flavors/${v.ids.fpriv}` },
    { name: 'flavor access list (empty)', as: 'admin', service: 'compute', method: 'GET', path: (v) => `/flavors/${v.ids.fpriv}/os-flavor-access` },
    { name: 'flavor access add', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/flavors/${v.ids.fpriv}/action`, body: (v) => ({ addTenantAccess: { tenant: v.demo.projectId } }) },
    { name: 'flavor access add: duplicate', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/flavors/${v.ids.fpriv}/action`, body: (v) => ({ addTenantAccess: { tenant: v.demo.projectId } }) },
    { name: 'flavor access add: public flavor', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/flavors/${v.ids.f1}/action`, body: (v) => ({ addTenantAccess: { tenant: v.demo.projectId } }) },
    { name: 'flavor access list: public flavor', as: 'admin', service: 'compute', method: 'GET', path: (v) => `/flavors/${v.ids.f1}/os-flavor-access` },
    { name: 'private flavor: shared member sees it', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/flavors/${v.ids.fpriv}` },
    { name: 'flavor access add as member (403)', as: 'demo', service: 'compute', method: 'POST', path: (v) => `/flavors/${v.ids.fpriv}/action`, body: (v) => ({ addTenantAccess: { tenant: v.demo.projectId } }) },
    { name: 'flavor access: unknown action', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/flavors/${v.ids.fpriv}/action`, body: { shareIt: {} } },
    { name: 'flavor access remove', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/flavors/${v.ids.fpriv}/action`, body: (v) => ({ removeTenantAccess: { tenant: v.demo.projectId } }) },
    { name: 'flavor access remove: not there', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/flavors/${v.ids.fpriv}/action`, body: (v) => ({ removeTenantAccess: { tenant: v.demo.projectId } }) },
    { name: 'private flavor delete', as: 'admin', service: 'compute', method: 'DELETE', path: (v) => `/flavors/${v.ids.fpriv}` },
    { name: 'flavor delete: missing', as: 'admin', service: 'compute', method: 'DELETE', path: (v) => `/flavors/${v.ids.fpriv}` },
    { name: 'flavor delete as member (403)', as: 'demo', service: 'compute', method: 'DELETE', path: (v) => `/flavors/${v.ids.f1}` },
  ];
}

function keypairSteps(): Step[] {
  const name = (v: Vars, s: string) => `${v.prefix}-${s}`;
  return [
    { name: 'keypair import', as: 'demo', service: 'compute', method: 'POST', path: '/os-keypairs', body: (v) => ({ keypair: { name: name(v, 'kp1'), public_key: PUBLIC_KEY } }) },
    { name: 'keypair import: duplicate', as: 'demo', service: 'compute', method: 'POST', path: '/os-keypairs', body: (v) => ({ keypair: { name: name(v, 'kp1'), public_key: PUBLIC_KEY } }) },
    { name: 'keypair import: bad key', as: 'demo', service: 'compute', method: 'POST', path: '/os-keypairs', body: (v) => ({ keypair: { name: name(v, 'kpbad'), public_key: 'ssh-rsa not-a-key' } }) },
    { name: 'keypair import: bad name', as: 'demo', service: 'compute', method: 'POST', path: '/os-keypairs', body: { keypair: { name: 'bad/name', public_key: PUBLIC_KEY } } },
    { name: 'keypair import: x509 type', as: 'demo', service: 'compute', method: 'POST', path: '/os-keypairs', when: at(2), body: (v) => ({ keypair: { name: name(v, 'kpx'), public_key: PUBLIC_KEY, type: 'bogus' } }) },
    { name: 'keypair generate', as: 'demo', service: 'compute', method: 'POST', path: '/os-keypairs', body: (v) => ({ keypair: { name: name(v, 'kpgen') } }) },
    { name: 'keypair list', as: 'demo', service: 'compute', method: 'GET', path: '/os-keypairs' },
    { name: 'keypair list paged', as: 'demo', service: 'compute', method: 'GET', path: '/os-keypairs?limit=1', when: at(35) },
    { name: 'keypair show', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/os-keypairs/${name(v, 'kp1')}` },
    { name: 'keypair show: missing', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/os-keypairs/${name(v, 'none')}` },
    { name: 'keypair show for another user (admin, user_id)', as: 'admin', service: 'compute', method: 'GET', when: at(10), path: (v) => `/os-keypairs/${name(v, 'kp1')}?user_id=${v.demo.userId}` },
    { name: 'keypair delete', as: 'demo', service: 'compute', method: 'DELETE', path: (v) => `/os-keypairs/${name(v, 'kp1')}` },
    { name: 'keypair delete: missing', as: 'demo', service: 'compute', method: 'DELETE', path: (v) => `/os-keypairs/${name(v, 'kp1')}` },
    { name: 'keypair delete generated', as: 'demo', service: 'compute', method: 'DELETE', path: (v) => `/os-keypairs/${name(v, 'kpgen')}`, compare: false },
  ];
}

function aggregateSteps(): Step[] {
  return [
    { name: 'aggregate create', as: 'admin', service: 'compute', method: 'POST', path: '/os-aggregates', body: (v) => ({ aggregate: { name: `${v.prefix}-agg` } }), save: saveId('agg', (b) => b.aggregate.id) },
    { name: 'aggregate create: duplicate name', as: 'admin', service: 'compute', method: 'POST', path: '/os-aggregates', body: (v) => ({ aggregate: { name: `${v.prefix}-agg` } }) },
    { name: 'aggregate create: zone with a colon', as: 'admin', service: 'compute', method: 'POST', path: '/os-aggregates', body: (v) => ({ aggregate: { name: `${v.prefix}-agg2`, availability_zone: 'a:b' } }) },
    { name: 'aggregate create: no name', as: 'admin', service: 'compute', method: 'POST', path: '/os-aggregates', body: { aggregate: {} } },
    { name: 'aggregate create as member (403)', as: 'demo', service: 'compute', method: 'POST', path: '/os-aggregates', body: (v) => ({ aggregate: { name: `${v.prefix}-member` } }) },
    { name: 'aggregate list as member (403)', as: 'demo', service: 'compute', method: 'GET', path: '/os-aggregates' },
    { name: 'aggregate show', as: 'admin', service: 'compute', method: 'GET', path: (v) => `/os-aggregates/${v.ids.agg}` },
    { name: 'aggregate show: missing', as: 'admin', service: 'compute', method: 'GET', path: '/os-aggregates/987654' },
    { name: 'aggregate show: not an integer', as: 'admin', service: 'compute', method: 'GET', path: '/os-aggregates/abc' },
    { name: 'aggregate update name', as: 'admin', service: 'compute', method: 'PUT', path: (v) => `/os-aggregates/${v.ids.agg}`, body: (v) => ({ aggregate: { name: `${v.prefix}-agg-renamed` } }) },
    { name: 'aggregate update: empty body', as: 'admin', service: 'compute', method: 'PUT', path: (v) => `/os-aggregates/${v.ids.agg}`, body: { aggregate: {} } },
    { name: 'aggregate set metadata', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/os-aggregates/${v.ids.agg}/action`, body: { set_metadata: { metadata: { 'nfd-key': 'v', other: 'x' } } } },
    { name: 'aggregate unset metadata (null)', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/os-aggregates/${v.ids.agg}/action`, body: { set_metadata: { metadata: { other: null } } } },
    // compute-1 joins the metadata-only aggregate and leaves again at once.
    { name: 'aggregate add host', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/os-aggregates/${v.ids.agg}/action`, body: { add_host: { host: 'compute-1' } } },
    { name: 'aggregate add host: already there', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/os-aggregates/${v.ids.agg}/action`, body: { add_host: { host: 'compute-1' } } },
    { name: 'aggregate delete: not empty', as: 'admin', service: 'compute', method: 'DELETE', path: (v) => `/os-aggregates/${v.ids.agg}` },
    { name: 'aggregate remove host', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/os-aggregates/${v.ids.agg}/action`, body: { remove_host: { host: 'compute-1' } } },
    { name: 'aggregate remove host: not a member', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/os-aggregates/${v.ids.agg}/action`, body: { remove_host: { host: 'compute-1' } } },
    { name: 'aggregate add host: unknown host', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/os-aggregates/${v.ids.agg}/action`, body: { add_host: { host: 'nfd-no-such-host' } } },
    { name: 'aggregate: unknown action', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/os-aggregates/${v.ids.agg}/action`, body: { frobnicate: {} } },
    { name: 'aggregate list', as: 'admin', service: 'compute', method: 'GET', path: '/os-aggregates', dataMaps: ['aggregates[].metadata'] },
    { name: 'aggregate delete', as: 'admin', service: 'compute', method: 'DELETE', path: (v) => `/os-aggregates/${v.ids.agg}` },
    { name: 'aggregate delete: missing', as: 'admin', service: 'compute', method: 'DELETE', path: (v) => `/os-aggregates/${v.ids.agg}` },
    // Zone rules on an aggregate without hosts (no host ever changes zone).
    { name: 'zoned aggregate create', as: 'admin', service: 'compute', method: 'POST', path: '/os-aggregates', body: (v) => ({ aggregate: { name: `${v.prefix}-zagg`, availability_zone: `${v.prefix}-az` } }), save: saveId('zagg', (b) => b.aggregate.id) },
    { name: 'zoned aggregate show', as: 'admin', service: 'compute', method: 'GET', path: (v) => `/os-aggregates/${v.ids.zagg}` },
    { name: 'zoned aggregate: rename the zone', as: 'admin', service: 'compute', method: 'PUT', path: (v) => `/os-aggregates/${v.ids.zagg}`, body: (v) => ({ aggregate: { availability_zone: `${v.prefix}-az2` } }) },
    { name: 'zoned aggregate: empty zone name', as: 'admin', service: 'compute', method: 'PUT', path: (v) => `/os-aggregates/${v.ids.zagg}`, body: { aggregate: { availability_zone: '' } } },
    { name: 'zoned aggregate: zone via metadata', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/os-aggregates/${v.ids.zagg}/action`, body: (v) => ({ set_metadata: { metadata: { availability_zone: `${v.prefix}-az3` } } }) },
    { name: 'zoned aggregate: unset the zone', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/os-aggregates/${v.ids.zagg}/action`, body: { set_metadata: { metadata: { availability_zone: null } } } },
    { name: 'zoned aggregate: duplicate name with a zone', as: 'admin', service: 'compute', method: 'POST', path: '/os-aggregates', body: (v) => ({ aggregate: { name: `${v.prefix}-zagg`, availability_zone: 'nova' } }) },
    { name: 'zoned aggregate delete', as: 'admin', service: 'compute', method: 'DELETE', path: (v) => `/os-aggregates/${v.ids.zagg}` },
    { name: 'availability zones', as: 'demo', service: 'compute', method: 'GET', path: '/os-availability-zone' },
    { name: 'availability zones detail', as: 'admin', service: 'compute', method: 'GET', path: '/os-availability-zone/detail', dataMaps: ['availabilityZoneInfo[].hosts'] },
    { name: 'availability zones detail as member (403)', as: 'demo', service: 'compute', method: 'GET', path: '/os-availability-zone/detail' },
  ];
}

function quotaSteps(): Step[] {
  const demoQuota = (v: Vars) => `/os-quota-sets/${v.demo.projectId}`;
  return [
    { name: 'quota show (member)', as: 'demo', service: 'compute', method: 'GET', path: demoQuota, save: (v, r) => { if (r.status === 200) v.saved.keyPairs = r.body.quota_set.key_pairs; } },
    { name: 'quota defaults', as: 'demo', service: 'compute', method: 'GET', path: (v) => `${demoQuota(v)}/defaults` },
    { name: 'quota detail', as: 'demo', service: 'compute', method: 'GET', path: (v) => `${demoQuota(v)}/detail` },
    { name: 'quota show: admin project as member (403)', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/os-quota-sets/${v.admin.projectId}` },
    { name: 'quota update', as: 'admin', service: 'compute', method: 'PUT', path: demoQuota, body: (v) => ({ quota_set: { key_pairs: Number(v.saved.keyPairs ?? 100) - 1 } }) },
    { name: 'quota update: not a number', as: 'admin', service: 'compute', method: 'PUT', path: demoQuota, body: { quota_set: { key_pairs: 'many' } } },
    { name: 'quota update: unknown key', as: 'admin', service: 'compute', method: 'PUT', path: demoQuota, body: { quota_set: { nfd_things: 1 } } },
    { name: 'quota update: below -1', as: 'admin', service: 'compute', method: 'PUT', path: demoQuota, body: { quota_set: { instances: -2 } } },
    { name: 'quota update as member (403)', as: 'demo', service: 'compute', method: 'PUT', path: demoQuota, body: { quota_set: { key_pairs: 1 } } },
    { name: 'quota update: unknown project', as: 'admin', service: 'compute', method: 'PUT', path: '/os-quota-sets/0123456789abcdef0123456789abcdef', body: { quota_set: { key_pairs: 1 } } },
    { name: 'quota restore', as: 'admin', service: 'compute', method: 'PUT', path: demoQuota, body: (v) => ({ quota_set: { key_pairs: Number(v.saved.keyPairs ?? 100) } }), compare: false },
    { name: 'limits', as: 'demo', service: 'compute', method: 'GET', path: '/limits' },
    { name: 'volume quota show', as: 'demo', service: 'volume', method: 'GET', path: (v) => `/os-quota-sets/${v.demo.projectId}` },
    { name: 'volume quota usage', as: 'demo', service: 'volume', method: 'GET', path: (v) => `/os-quota-sets/${v.demo.projectId}?usage=true` },
    { name: 'volume quota defaults', as: 'demo', service: 'volume', method: 'GET', path: (v) => `/os-quota-sets/${v.demo.projectId}/defaults` },
    { name: 'volume quota update as member (403)', as: 'demo', service: 'volume', method: 'PUT', path: (v) => `/os-quota-sets/${v.demo.projectId}`, body: { quota_set: { volumes: 5 } } },
    { name: 'volume limits', as: 'demo', service: 'volume', method: 'GET', path: '/limits' },
    { name: 'volume availability zones', as: 'demo', service: 'volume', method: 'GET', path: '/os-availability-zone' },
    { name: 'volume types list', as: 'demo', service: 'volume', method: 'GET', path: '/types' },
    { name: 'volume type default', as: 'demo', service: 'volume', method: 'GET', path: '/types/default' },
    { name: 'volume types list (admin)', as: 'admin', service: 'volume', method: 'GET', path: '/types' },
  ];
}

function serverGroupSteps(): Step[] {
  const sg = (v: Vars, mv: Versions, policy: string, extra: Record<string, unknown> = {}) => ({
    server_group: n(mv.compute) >= 64 ? { name: `${v.prefix}-sg`, policy, ...extra } : { name: `${v.prefix}-sg`, policies: [policy], ...extra },
  });
  const grouped = (key: string) => (v: Vars, mv: Versions) => ({
    server: { name: `${v.prefix}-${key}`, flavorRef: v.ids.f1, imageRef: v.imageId, ...networks(mv) },
    'os:scheduler_hints': { group: v.ids.sga },
  });
  const path = (key: string, suffix = '') => (v: Vars) => `/os-server-groups/${v.ids[key] ?? MISSING}${suffix}`;
  return [
    { name: 'server group create', as: 'demo', service: 'compute', method: 'POST', path: '/os-server-groups', body: (v, mv) => sg(v, mv, 'affinity'), save: saveId('sg', (b) => b.server_group.id) },
    { name: 'server group create: same name again', as: 'demo', service: 'compute', method: 'POST', path: '/os-server-groups', body: (v, mv) => sg(v, mv, 'anti-affinity'), save: saveId('sga', (b) => b.server_group.id) },
    { name: 'server group create (admin)', as: 'admin', service: 'compute', method: 'POST', path: '/os-server-groups', body: (v, mv) => sg(v, mv, 'affinity'), save: saveId('sgadm', (b) => b.server_group.id) },
    { name: 'server group create: soft policy', as: 'demo', service: 'compute', method: 'POST', path: '/os-server-groups', body: (v, mv) => sg(v, mv, 'soft-anti-affinity'), save: saveId('sgsoft', (b) => b.server_group.id) },
    { name: 'server group create: unknown policy', as: 'demo', service: 'compute', method: 'POST', path: '/os-server-groups', body: (v, mv) => sg(v, mv, 'nfd-policy') },
    { name: 'server group create: rules with affinity', as: 'demo', service: 'compute', method: 'POST', path: '/os-server-groups', when: at(64), body: (v, mv) => sg(v, mv, 'affinity', { rules: { max_server_per_host: 2 } }) },
    { name: 'server group create: max_server_per_host 0', as: 'demo', service: 'compute', method: 'POST', path: '/os-server-groups', when: at(64), body: (v, mv) => sg(v, mv, 'anti-affinity', { rules: { max_server_per_host: 0 } }) },
    { name: 'server group create: two policies', as: 'demo', service: 'compute', method: 'POST', path: '/os-server-groups', when: below(64), body: (v) => ({ server_group: { name: `${v.prefix}-sg`, policies: ['affinity', 'anti-affinity'] } }) },
    { name: 'server group create: no name', as: 'demo', service: 'compute', method: 'POST', path: '/os-server-groups', body: (v, mv) => ({ server_group: { ...sg(v, mv, 'affinity').server_group, name: undefined } }) },
    { name: 'server group create: unexpected property', as: 'demo', service: 'compute', method: 'POST', path: '/os-server-groups', body: (v, mv) => sg(v, mv, 'affinity', { nfd_extra: 1 }) },
    { name: 'server group list', as: 'demo', service: 'compute', method: 'GET', path: '/os-server-groups' },
    { name: 'server group list: offset and limit', as: 'demo', service: 'compute', method: 'GET', path: '/os-server-groups?offset=1&limit=1' },
    { name: 'server group list: bad limit', as: 'demo', service: 'compute', method: 'GET', path: '/os-server-groups?limit=abc' },
    { name: 'server group list: unknown parameter', as: 'demo', service: 'compute', method: 'GET', path: '/os-server-groups?nfd_filter=1' },
    { name: 'server group list all projects (admin)', as: 'admin', service: 'compute', method: 'GET', path: '/os-server-groups?all_projects=True' },
    { name: 'server group show', as: 'demo', service: 'compute', method: 'GET', path: path('sg') },
    { name: 'server group show: missing', as: 'demo', service: 'compute', method: 'GET', path: `/os-server-groups/${MISSING}` },
    { name: "server group show: another project's (member)", as: 'demo', service: 'compute', method: 'GET', path: path('sgadm') },
    { name: "server group show: another project's (admin)", as: 'admin', service: 'compute', method: 'GET', path: path('sga') },
    { name: 'server group update (no such route)', as: 'demo', service: 'compute', method: 'PUT', path: path('sg'), body: { server_group: { name: 'x' } }, headers: { Accept: 'application/json' } },
    { name: 'server create: unknown group', as: 'demo', service: 'compute', method: 'POST', path: '/servers', body: (v, mv) => ({ ...grouped('g0')(v, mv), 'os:scheduler_hints': { group: MISSING } }) },
    { name: 'server create: group hint not a UUID', as: 'demo', service: 'compute', method: 'POST', path: '/servers', body: (v, mv) => ({ ...grouped('g0')(v, mv), 'os:scheduler_hints': { group: 'nfd' } }) },
    // Anti-affinity over the two hosts: one member each, the third finds no host. One at a time, as Nova's late check
    // would otherwise reschedule racing builds (a different fault).
    { name: 'server create in anti-affinity group', as: 'demo', service: 'compute', method: 'POST', path: '/servers', body: grouped('g1'), save: saveId('g1', (b) => b.server.id) },
    serverStatus('g1', 'ACTIVE'),
    { name: 'server create in anti-affinity group (OS-SCH-HNT)', as: 'demo', service: 'compute', method: 'POST', path: '/servers',
      body: (v, mv) => { const { 'os:scheduler_hints': hints, ...rest } = grouped('g2')(v, mv); return { ...rest, 'OS-SCH-HNT:scheduler_hints': hints }; }, save: saveId('g2', (b) => b.server.id) },
    serverStatus('g2', 'ACTIVE'),
    { name: 'server create in anti-affinity group (no host left)', as: 'demo', service: 'compute', method: 'POST', path: '/servers', body: grouped('g3'), save: saveId('g3', (b) => b.server.id) },
    serverStatus('g3', 'ERROR'),
    { name: 'server show: group member', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/servers/${v.ids.g1}` },
    { name: 'server show: group member in ERROR (admin)', as: 'admin', service: 'compute', method: 'GET', path: (v) => `/servers/${v.ids.g3}` },
    { name: 'server group show: with members', as: 'demo', service: 'compute', method: 'GET', path: path('sga') },
    { name: 'limits (server groups used)', as: 'demo', service: 'compute', method: 'GET', path: '/limits' },
    { name: 'server delete: group member', as: 'demo', service: 'compute', method: 'DELETE', path: (v) => `/servers/${v.ids.g1}` },
    { name: 'server delete: group member 2', as: 'demo', service: 'compute', method: 'DELETE', path: (v) => `/servers/${v.ids.g2}`, compare: false },
    { name: 'server delete: group member 3', as: 'demo', service: 'compute', method: 'DELETE', path: (v) => `/servers/${v.ids.g3}`, compare: false },
    serverGone('g1'), serverGone('g2'), serverGone('g3'),
    { name: 'server group show: members gone', as: 'demo', service: 'compute', method: 'GET', path: path('sga') },
    { name: "server group delete: another project's (member)", as: 'demo', service: 'compute', method: 'DELETE', path: path('sgadm') },
    { name: 'server group delete', as: 'demo', service: 'compute', method: 'DELETE', path: path('sg') },
    { name: 'server group delete: missing', as: 'demo', service: 'compute', method: 'DELETE', path: path('sg') },
    { name: 'server group delete 2', as: 'demo', service: 'compute', method: 'DELETE', path: path('sga'), compare: false },
    { name: 'server group delete soft', as: 'demo', service: 'compute', method: 'DELETE', path: path('sgsoft'), compare: false },
    { name: "server group delete: another project's (admin)", as: 'admin', service: 'compute', method: 'DELETE', path: path('sgadm') },
  ];
}

function serverSteps(): Step[] {
  const server = (v: Vars, mv: Versions, extra: Record<string, unknown> = {}) => ({
    server: { name: `${v.prefix}-vm`, flavorRef: v.ids.f1, imageRef: v.imageId, ...networks(mv), ...extra },
  });
  const s = (v: Vars, path = '') => `/servers/${v.ids.vm}${path}`;
  const filter = (v: Vars) => `name=${encodeURIComponent(`^${v.prefix}-`)}`;
  return [
    // create errors
    { name: 'server create: no name', as: 'demo', service: 'compute', method: 'POST', path: '/servers', body: (v, mv) => ({ server: { flavorRef: v.ids.f1, imageRef: v.imageId, ...networks(mv) } }) },
    { name: 'server create: unknown flavor', as: 'demo', service: 'compute', method: 'POST', path: '/servers', body: (v, mv) => server(v, mv, { flavorRef: 'nfd-no-such-flavor' }) },
    { name: 'server create: unknown image', as: 'demo', service: 'compute', method: 'POST', path: '/servers', body: (v, mv) => server(v, mv, { imageRef: MISSING }) },
    { name: 'server create: unknown key_name', as: 'demo', service: 'compute', method: 'POST', path: '/servers', body: (v, mv) => server(v, mv, { key_name: 'nfd-no-such-key' }) },
    { name: 'server create: unknown zone', as: 'demo', service: 'compute', method: 'POST', path: '/servers', body: (v, mv) => server(v, mv, { availability_zone: 'nfd-no-such-zone' }) },
    { name: 'server create: networks missing', as: 'demo', service: 'compute', method: 'POST', path: '/servers', when: at(37), body: (v) => ({ server: { name: `${v.prefix}-vm`, flavorRef: v.ids.f1, imageRef: v.imageId } }) },
    // Named outside the `^<prefix>-` list filter: on the engine it boots (with an address), on the real cloud it fails.
    { name: 'server create: networks auto', as: 'demo', service: 'compute', method: 'POST', path: '/servers', when: at(37), body: (v, mv) => server(v, mv, { name: `${v.prefix}auto`, networks: 'auto' }), save: saveId('auto', (b) => b.server?.id) },
    { name: 'server create: min_count over quota', as: 'demo', service: 'compute', method: 'POST', path: '/servers', body: (v, mv) => server(v, mv, { min_count: 11, max_count: 11 }) },
    { name: 'server create: min_count > max_count', as: 'demo', service: 'compute', method: 'POST', path: '/servers', body: (v, mv) => server(v, mv, { min_count: 3, max_count: 2 }) },
    { name: 'server create: bad user_data', as: 'demo', service: 'compute', method: 'POST', path: '/servers', body: (v, mv) => server(v, mv, { user_data: '!!!' }) },
    { name: 'server create: unexpected property', as: 'demo', service: 'compute', method: 'POST', path: '/servers', body: (v, mv) => server(v, mv, { nfd_extra: 1 }) },
    { name: 'server create: malformed JSON', as: 'demo', service: 'compute', method: 'POST', path: '/servers', rawBody: '{"server": {' },
    { name: 'server create: text/plain', as: 'demo', service: 'compute', method: 'POST', path: '/servers', rawBody: 'server', headers: { 'Content-Type': 'text/plain' } },
    { name: 'server create: tags before 2.52', as: 'demo', service: 'compute', method: 'POST', path: '/servers', when: below(52), body: (v, mv) => server(v, mv, { tags: ['a'] }) },
    // create
    { name: 'server create', as: 'demo', service: 'compute', method: 'POST', path: '/servers', body: (v, mv) => server(v, mv, {
      metadata: { role: 'nfd' }, ...(n(mv.compute) >= 19 ? { description: 'differential' } : {}), ...(n(mv.compute) >= 52 ? { tags: ['t1'] } : {}),
    }), save: saveId('vm', (b) => b.server.id) },
    { name: 'server create (no host fits)', as: 'demo', service: 'compute', method: 'POST', path: '/servers', body: (v, mv) => server(v, mv, { name: `${v.prefix}-big`, flavorRef: v.ids.fbig }), save: saveId('big', (b) => b.server.id) },
    serverStatus('vm', 'ACTIVE'),
    serverStatus('big', 'ERROR'),
    // read
    { name: 'server show', as: 'demo', service: 'compute', method: 'GET', path: (v) => s(v) },
    { name: 'server show (admin)', as: 'admin', service: 'compute', method: 'GET', path: (v) => s(v) },
    { name: 'server show: ERROR with fault', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/servers/${v.ids.big}` },
    { name: 'server show: ERROR with fault (admin)', as: 'admin', service: 'compute', method: 'GET', path: (v) => `/servers/${v.ids.big}` },
    { name: 'server show: missing', as: 'demo', service: 'compute', method: 'GET', path: `/servers/${MISSING}` },
    { name: 'server show: malformed id', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/servers/${v.ids.vm}x` },
    { name: 'server list', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/servers?${filter(v)}` },
    { name: 'server list detail', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/servers/detail?${filter(v)}` },
    { name: 'server list: status filter', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/servers/detail?${filter(v)}&status=ACTIVE` },
    { name: 'server list: unknown status', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/servers?${filter(v)}&status=nfd-bogus` },
    { name: 'server list: paged', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/servers?${filter(v)}&limit=1` },
    { name: 'server list: bad marker', as: 'demo', service: 'compute', method: 'GET', path: `/servers?marker=${MISSING}` },
    { name: 'server list: bad limit', as: 'demo', service: 'compute', method: 'GET', path: '/servers?limit=abc' },
    { name: 'server list: unknown filter', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/servers?${filter(v)}&nfd_filter=1` },
    { name: 'server list: two unknown filters', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/servers?${filter(v)}&nfd_b=1&nfd_a=1` },
    { name: 'server list: tags filter', as: 'demo', service: 'compute', method: 'GET', when: at(26), path: (v) => `/servers?${filter(v)}&tags=t1` },
    { name: 'server list: changes-since', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/servers/detail?${filter(v)}&changes-since=2000-01-01T00:00:00Z` },
    { name: 'server list: bad changes-since', as: 'demo', service: 'compute', method: 'GET', path: '/servers?changes-since=yesterday' },
    { name: 'server list all tenants (admin)', as: 'admin', service: 'compute', method: 'GET', path: (v) => `/servers/detail?${filter(v)}&all_tenants=1` },
    // update
    { name: 'server update', as: 'demo', service: 'compute', method: 'PUT', path: (v) => s(v), body: (v, mv) => ({ server: { name: `${v.prefix}-vm`, ...(n(mv.compute) >= 19 ? { description: 'updated' } : {}) } }) },
    { name: 'server update: empty name', as: 'demo', service: 'compute', method: 'PUT', path: (v) => s(v), body: { server: { name: '' } } },
    { name: 'server update: unknown field', as: 'demo', service: 'compute', method: 'PUT', path: (v) => s(v), body: { server: { flavor: 'x' } } },
    // metadata
    { name: 'metadata replace', as: 'demo', service: 'compute', method: 'PUT', path: (v) => s(v, '/metadata'), body: { metadata: { a: '1', b: '2' } } },
    { name: 'metadata merge', as: 'demo', service: 'compute', method: 'POST', path: (v) => s(v, '/metadata'), body: { metadata: { c: '3' } } },
    { name: 'metadata list', as: 'demo', service: 'compute', method: 'GET', path: (v) => s(v, '/metadata') },
    { name: 'metadata item set', as: 'demo', service: 'compute', method: 'PUT', path: (v) => s(v, '/metadata/d'), body: { meta: { d: '4' } } },
    { name: 'metadata item set: URI mismatch', as: 'demo', service: 'compute', method: 'PUT', path: (v) => s(v, '/metadata/d'), body: { meta: { e: '4' } } },
    { name: 'metadata item set: two keys', as: 'demo', service: 'compute', method: 'PUT', path: (v) => s(v, '/metadata/d'), body: { meta: { d: '4', e: '5' } } },
    { name: 'metadata item show', as: 'demo', service: 'compute', method: 'GET', path: (v) => s(v, '/metadata/d') },
    { name: 'metadata item show: missing', as: 'demo', service: 'compute', method: 'GET', path: (v) => s(v, '/metadata/zz') },
    { name: 'metadata item delete', as: 'demo', service: 'compute', method: 'DELETE', path: (v) => s(v, '/metadata/d') },
    { name: 'metadata item delete: missing', as: 'demo', service: 'compute', method: 'DELETE', path: (v) => s(v, '/metadata/d') },
    { name: 'metadata: bad key', as: 'demo', service: 'compute', method: 'POST', path: (v) => s(v, '/metadata'), body: { metadata: { 'bad/key': 'v' } } },
    { name: 'metadata: value too long', as: 'demo', service: 'compute', method: 'POST', path: (v) => s(v, '/metadata'), body: { metadata: { long: 'x'.repeat(256) } } },
    // tags
    { name: 'tags replace', as: 'demo', service: 'compute', method: 'PUT', path: (v) => s(v, '/tags'), body: { tags: ['t1', 't2'] } },
    { name: 'tags list', as: 'demo', service: 'compute', method: 'GET', path: (v) => s(v, '/tags') },
    { name: 'tag add', as: 'demo', service: 'compute', method: 'PUT', path: (v) => s(v, '/tags/t3') },
    { name: 'tag add: exists', as: 'demo', service: 'compute', method: 'PUT', path: (v) => s(v, '/tags/t3') },
    { name: 'tag add: comma', as: 'demo', service: 'compute', method: 'PUT', path: (v) => s(v, '/tags/a,b') },
    { name: 'tag check', as: 'demo', service: 'compute', method: 'GET', path: (v) => s(v, '/tags/t3') },
    { name: 'tag check: missing', as: 'demo', service: 'compute', method: 'GET', path: (v) => s(v, '/tags/zz') },
    { name: 'tag delete', as: 'demo', service: 'compute', method: 'DELETE', path: (v) => s(v, '/tags/t3') },
    { name: 'tag delete: missing', as: 'demo', service: 'compute', method: 'DELETE', path: (v) => s(v, '/tags/t3') },
    { name: 'tags delete all', as: 'demo', service: 'compute', method: 'DELETE', path: (v) => s(v, '/tags') },
    // actions
    action('action: unknown', 'vm', { nfdAction: null }),
    action('action: two keys', 'vm', { reboot: { type: 'SOFT' }, lock: null }),
    action('action: reboot bad type', 'vm', { reboot: { type: 'GENTLE' } }),
    action('action: reboot soft', 'vm', { reboot: { type: 'SOFT' } }),
    serverStatus('vm', 'ACTIVE', 'wait vm ACTIVE after reboot'),
    action('action: stop', 'vm', { 'os-stop': null }),
    serverStatus('vm', 'SHUTOFF'),
    action('action: stop when stopped', 'vm', { 'os-stop': null }),
    action('action: pause when stopped', 'vm', { pause: null }),
    action('action: start', 'vm', { 'os-start': null }),
    serverStatus('vm', 'ACTIVE', 'wait vm ACTIVE after start'),
    action('action: pause', 'vm', { pause: null }),
    serverStatus('vm', 'PAUSED'),
    action('action: unpause', 'vm', { unpause: null }),
    serverStatus('vm', 'ACTIVE', 'wait vm ACTIVE after unpause'),
    action('action: lock', 'vm', { lock: null }),
    { name: 'server show: locked', as: 'demo', service: 'compute', method: 'GET', path: (v) => s(v) },
    action('action: reboot when locked (member)', 'vm', { reboot: { type: 'HARD' } }),
    action('action: lock with reason', 'vm', { lock: { locked_reason: 'nfd' } }, { when: at(73) }),
    action('action: unlock', 'vm', { unlock: null }),
    action('action: resize to the same flavor', 'vm', (v: Vars) => ({ resize: { flavorRef: v.ids.f1 } })),
    action('action: resize to an unknown flavor', 'vm', { resize: { flavorRef: 'nfd-no-such-flavor' } }),
    action('action: confirm without resize', 'vm', { confirmResize: null }),
    action('action: resize', 'vm', (v: Vars) => ({ resize: { flavorRef: v.ids.f2 } })),
    serverStatus('vm', 'VERIFY_RESIZE'),
    { name: 'server show: VERIFY_RESIZE', as: 'demo', service: 'compute', method: 'GET', path: (v) => s(v) },
    action('action: confirm resize', 'vm', { confirmResize: null }),
    serverStatus('vm', 'ACTIVE', 'wait vm ACTIVE after confirm'),
    action('action: resize back', 'vm', (v: Vars) => ({ resize: { flavorRef: v.ids.f1 } })),
    serverStatus('vm', 'VERIFY_RESIZE', 'wait vm VERIFY_RESIZE again'),
    action('action: revert resize', 'vm', { revertResize: null }),
    serverStatus('vm', 'ACTIVE', 'wait vm ACTIVE after revert'),
    action('action: rebuild', 'vm', (v: Vars) => ({ rebuild: { imageRef: v.imageId, name: `${v.prefix}-vm`, metadata: { rebuilt: 'yes' } } })),
    serverStatus('vm', 'ACTIVE', 'wait vm ACTIVE after rebuild'),
    action('action: rebuild without image', 'vm', { rebuild: { name: 'x' } }),
    // volume attachments (and Cinder)
    { name: 'volume create', as: 'demo', service: 'volume', method: 'POST', path: '/volumes', body: (v) => ({ volume: { size: 1, name: `${v.prefix}-vol`, metadata: { a: 'b' } } }), save: saveId('vol', (b) => b.volume.id) },
    { name: 'volume create: size 0', as: 'demo', service: 'volume', method: 'POST', path: '/volumes', body: { volume: { size: 0 } } },
    { name: 'volume create: unknown type', as: 'demo', service: 'volume', method: 'POST', path: '/volumes', body: { volume: { size: 1, volume_type: 'nfd-no-such-type' } } },
    { name: 'volume create: no body', as: 'demo', service: 'volume', method: 'POST', path: '/volumes', body: {} },
    volumeStatus('vol', 'available'),
    { name: 'volume show', as: 'demo', service: 'volume', method: 'GET', path: (v) => `/volumes/${v.ids.vol}` },
    { name: 'volume show (admin)', as: 'admin', service: 'volume', method: 'GET', path: (v) => `/volumes/${v.ids.vol}` },
    { name: 'volume show: missing', as: 'demo', service: 'volume', method: 'GET', path: `/volumes/${MISSING}` },
    { name: 'volume list', as: 'demo', service: 'volume', method: 'GET', path: '/volumes' },
    { name: 'volume list detail', as: 'demo', service: 'volume', method: 'GET', path: '/volumes/detail', dataMaps: ['volumes[].metadata'] },
    { name: 'volume list: name filter', as: 'demo', service: 'volume', method: 'GET', path: (v) => `/volumes?name=${v.prefix}-vol` },
    { name: 'volume list: unknown filter', as: 'demo', service: 'volume', method: 'GET', path: '/volumes?nfd_filter=1' },
    { name: 'volume update', as: 'demo', service: 'volume', method: 'PUT', path: (v) => `/volumes/${v.ids.vol}`, body: { volume: { description: 'differential' } } },
    { name: 'volume extend', as: 'demo', service: 'volume', method: 'POST', path: (v) => `/volumes/${v.ids.vol}/action`, body: { 'os-extend': { new_size: 2 } } },
    volumeStatus('vol', 'available'),
    { name: 'volume extend: smaller', as: 'demo', service: 'volume', method: 'POST', path: (v) => `/volumes/${v.ids.vol}/action`, body: { 'os-extend': { new_size: 1 } } },
    { name: 'volume metadata list', as: 'demo', service: 'volume', method: 'GET', path: (v) => `/volumes/${v.ids.vol}/metadata` },
    { name: 'volume metadata set', as: 'demo', service: 'volume', method: 'POST', path: (v) => `/volumes/${v.ids.vol}/metadata`, body: { metadata: { c: 'd' } } },
    { name: 'volume metadata set: not a string', as: 'demo', service: 'volume', method: 'POST', path: (v) => `/volumes/${v.ids.vol}/metadata`, body: { metadata: { c: 1 } } },
    { name: 'volume metadata item: missing', as: 'demo', service: 'volume', method: 'GET', path: (v) => `/volumes/${v.ids.vol}/metadata/zz` },
    { name: 'volume metadata item delete: missing', as: 'demo', service: 'volume', method: 'DELETE', path: (v) => `/volumes/${v.ids.vol}/metadata/zz` },
    { name: 'volume action: unknown', as: 'demo', service: 'volume', method: 'POST', path: (v) => `/volumes/${v.ids.vol}/action`, body: { 'os-nfd': {} } },
    { name: 'volume reset status as member (403)', as: 'demo', service: 'volume', method: 'POST', path: (v) => `/volumes/${v.ids.vol}/action`, body: { 'os-reset_status': { status: 'available' } } },
    { name: 'attach volume', as: 'demo', service: 'compute', method: 'POST', path: (v) => s(v, '/os-volume_attachments'), body: (v) => ({ volumeAttachment: { volumeId: v.ids.vol } }) },
    volumeStatus('vol', 'in-use'),
    { name: 'attach volume: again', as: 'demo', service: 'compute', method: 'POST', path: (v) => s(v, '/os-volume_attachments'), body: (v) => ({ volumeAttachment: { volumeId: v.ids.vol } }) },
    { name: 'attach volume: unknown volume', as: 'demo', service: 'compute', method: 'POST', path: (v) => s(v, '/os-volume_attachments'), body: { volumeAttachment: { volumeId: MISSING } } },
    { name: 'attach volume: not a uuid', as: 'demo', service: 'compute', method: 'POST', path: (v) => s(v, '/os-volume_attachments'), body: { volumeAttachment: { volumeId: 'nope' } } },
    { name: 'volume attachments list', as: 'demo', service: 'compute', method: 'GET', path: (v) => s(v, '/os-volume_attachments') },
    { name: 'volume attachment show', as: 'demo', service: 'compute', method: 'GET', path: (v) => s(v, `/os-volume_attachments/${v.ids.vol}`) },
    { name: 'volume attachment show: not attached', as: 'demo', service: 'compute', method: 'GET', path: (v) => s(v, `/os-volume_attachments/${MISSING}`) },
    { name: 'volume show: in-use', as: 'demo', service: 'volume', method: 'GET', path: (v) => `/volumes/${v.ids.vol}` },
    { name: 'server show: with a volume', as: 'demo', service: 'compute', method: 'GET', path: (v) => s(v) },
    { name: 'volume delete: in use', as: 'demo', service: 'volume', method: 'DELETE', path: (v) => `/volumes/${v.ids.vol}` },
    { name: 'detach volume', as: 'demo', service: 'compute', method: 'DELETE', path: (v) => s(v, `/os-volume_attachments/${v.ids.vol}`) },
    volumeStatus('vol', 'available'),
    noAttachments('vm'),
    { name: 'detach volume: not attached', as: 'demo', service: 'compute', method: 'DELETE', path: (v) => s(v, `/os-volume_attachments/${v.ids.vol}`) },
    { name: 'volume delete', as: 'demo', service: 'volume', method: 'DELETE', path: (v) => `/volumes/${v.ids.vol}` },
    volumeGone('vol'),
    { name: 'volume show: deleted', as: 'demo', service: 'volume', method: 'GET', path: (v) => `/volumes/${v.ids.vol}` },
    // delete
    { name: 'server delete', as: 'demo', service: 'compute', method: 'DELETE', path: (v) => s(v) },
    { name: 'server delete (ERROR)', as: 'demo', service: 'compute', method: 'DELETE', path: (v) => `/servers/${v.ids.big}` },
    serverGone('vm'),
    serverGone('big'),
    { name: 'server show: deleted', as: 'demo', service: 'compute', method: 'GET', path: (v) => s(v) },
    { name: 'server delete: missing', as: 'demo', service: 'compute', method: 'DELETE', path: (v) => s(v) },
    { name: 'server list: deleted via changes-since', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/servers/detail?${filter(v)}&changes-since=2000-01-01T00:00:00Z` },
  ];
}

/**
 * Operator APIs, read-only on the real cloud (no host is disabled, forced
 * down or moved): lists, shows, validation errors and the member's 403s.
 * They run while the run's server exists, after its resizes.
 */
function operatorSteps(): Step[] {
  const firstHypervisor = (v: Vars, r: RawResponse) => {
    const hv = r.body?.hypervisors?.find((h: { hypervisor_hostname: string }) => h.hypervisor_hostname === 'compute-1');
    if (r.status === 200 && hv) v.ids.hv = String(hv.id);
  };
  const compute1Service = (v: Vars, r: RawResponse) => {
    if (r.status === 200 && r.body.services[0]) v.ids.service = String(r.body.services[0].id);
  };
  return [
    { name: 'services list', as: 'admin', service: 'compute', method: 'GET', path: '/os-services' },
    { name: 'services list: compute-1', as: 'admin', service: 'compute', method: 'GET', path: '/os-services?binary=nova-compute&host=compute-1', save: compute1Service },
    { name: 'services list as member (403)', as: 'demo', service: 'compute', method: 'GET', path: '/os-services' },
    { name: 'service update: nothing to update', as: 'admin', service: 'compute', method: 'PUT', when: at(53), path: (v) => `/os-services/${v.ids.service}`, body: {} },
    { name: 'service update: unknown id', as: 'admin', service: 'compute', method: 'PUT', when: at(53), path: `/os-services/${MISSING}`, body: { status: 'enabled' } },
    { name: 'service update: bad status', as: 'admin', service: 'compute', method: 'PUT', when: at(53), path: (v) => `/os-services/${v.ids.service}`, body: { status: 'maybe' } },
    { name: 'service enable: missing host', as: 'admin', service: 'compute', method: 'PUT', when: below(53), path: '/os-services/enable', body: { binary: 'nova-compute' } },
    { name: 'service: unknown action', as: 'admin', service: 'compute', method: 'PUT', when: below(53), path: '/os-services/frobnicate', body: { host: 'compute-1', binary: 'nova-compute' } },
    { name: 'service delete as member (403)', as: 'demo', service: 'compute', method: 'DELETE', path: (v) => `/os-services/${v.ids.service}` },
    { name: 'hypervisors list', as: 'admin', service: 'compute', method: 'GET', path: '/os-hypervisors', save: firstHypervisor },
    { name: 'hypervisors list detail', as: 'admin', service: 'compute', method: 'GET', path: '/os-hypervisors/detail' },
    { name: 'hypervisors list: paged', as: 'admin', service: 'compute', method: 'GET', when: at(33), path: '/os-hypervisors?limit=1' },
    { name: 'hypervisors list: pattern', as: 'admin', service: 'compute', method: 'GET', when: at(53), path: '/os-hypervisors?hypervisor_hostname_pattern=compute-1' },
    { name: 'hypervisors list: with servers', as: 'admin', service: 'compute', method: 'GET', when: at(53), path: '/os-hypervisors?hypervisor_hostname_pattern=compute&with_servers=true' },
    { name: 'hypervisors search (before 2.53)', as: 'admin', service: 'compute', method: 'GET', when: below(53), path: '/os-hypervisors/compute-1/search' },
    { name: 'hypervisors servers (before 2.53)', as: 'admin', service: 'compute', method: 'GET', when: below(53), path: '/os-hypervisors/compute/servers' },
    { name: 'hypervisor show', as: 'admin', service: 'compute', method: 'GET', path: (v) => `/os-hypervisors/${v.ids.hv}` },
    { name: 'hypervisor show: missing', as: 'admin', service: 'compute', method: 'GET', path: (v) => `/os-hypervisors/${/^\d+$/.test(v.ids.hv ?? '') ? '987654' : MISSING}` },
    { name: 'hypervisor uptime', as: 'admin', service: 'compute', method: 'GET', path: (v) => `/os-hypervisors/${v.ids.hv}/uptime` },
    { name: 'hypervisor statistics', as: 'admin', service: 'compute', method: 'GET', path: '/os-hypervisors/statistics' },
    { name: 'hypervisors as member (403)', as: 'demo', service: 'compute', method: 'GET', path: '/os-hypervisors' },
    { name: 'hosts list', as: 'admin', service: 'compute', method: 'GET', path: '/os-hosts' },
    { name: 'host show', as: 'admin', service: 'compute', method: 'GET', path: '/os-hosts/compute-1' },
    { name: 'host show: missing', as: 'admin', service: 'compute', method: 'GET', path: '/os-hosts/nfd-no-such-host' },
    { name: 'hosts as member (403)', as: 'demo', service: 'compute', method: 'GET', path: '/os-hosts' },
    { name: 'migrations list (this server)', as: 'admin', service: 'compute', method: 'GET', path: (v) => `/os-migrations?instance_uuid=${v.ids.vm}` },
    { name: 'migrations list: paged', as: 'admin', service: 'compute', method: 'GET', when: at(59), path: (v) => `/os-migrations?instance_uuid=${v.ids.vm}&limit=1` },
    { name: 'migrations list: bad changes-since', as: 'admin', service: 'compute', method: 'GET', when: at(59), path: '/os-migrations?changes-since=yesterday' },
    { name: 'migrations as member (403)', as: 'demo', service: 'compute', method: 'GET', path: '/os-migrations' },
    { name: 'server migrations (none in progress)', as: 'admin', service: 'compute', method: 'GET', when: at(23), path: (v) => `/servers/${v.ids.vm}/migrations` },
    { name: 'server migration show: missing', as: 'admin', service: 'compute', method: 'GET', when: at(23), path: (v) => `/servers/${v.ids.vm}/migrations/987654` },
    { name: 'migrate as member (403)', as: 'demo', service: 'compute', method: 'POST', path: (v) => `/servers/${v.ids.vm}/action`, body: { migrate: null } },
    { name: 'live migrate: unknown host', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/servers/${v.ids.vm}/action`,
      body: (_v, mv) => ({ 'os-migrateLive': n(mv.compute) >= 25 ? { host: 'nfd-no-such-host', block_migration: 'auto' } : { host: 'nfd-no-such-host', block_migration: false, disk_over_commit: false } }) },
    { name: 'evacuate: host is up', as: 'admin', service: 'compute', method: 'POST', path: (v) => `/servers/${v.ids.vm}/action`, body: (_v, mv) => ({ evacuate: n(mv.compute) >= 14 ? {} : { onSharedStorage: false } }) },
  ];
}

function miscSteps(): Step[] {
  return [
    { name: 'compute: unknown path', as: 'demo', service: 'compute', method: 'GET', path: '/nfd-nothing-here' },
    { name: 'compute: method not allowed', as: 'demo', service: 'compute', method: 'PATCH', path: '/servers' },
    { name: 'compute: URL project mismatch', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/${v.admin.projectId}/servers` },
    { name: 'compute: URL project match', as: 'demo', service: 'compute', method: 'GET', path: (v) => `/${v.demo.projectId}/flavors` },
    { name: 'volume: unknown path', as: 'demo', service: 'volume', method: 'GET', path: '/nfd-nothing-here' },
    { name: 'volume: URL project mismatch', as: 'demo', service: 'volume', method: 'GET', path: (v) => v.demo.endpoints.volume.replace(v.demo.projectId, v.admin.projectId) + '/volumes' },
  ];
}

function cleanupSteps(): Step[] {
  return [
    { name: 'server delete (networks auto, if it was created)', as: 'demo', service: 'compute', method: 'DELETE', path: (v) => `/servers/${v.ids.auto ?? MISSING}`, compare: false },
    { name: 'flavor delete', as: 'admin', service: 'compute', method: 'DELETE', path: (v) => `/flavors/${v.ids.f1}` },
    { name: 'flavor delete f2', as: 'admin', service: 'compute', method: 'DELETE', path: (v) => `/flavors/${v.ids.f2}`, compare: false },
    { name: 'flavor delete fbig', as: 'admin', service: 'compute', method: 'DELETE', path: (v) => `/flavors/${v.ids.fbig}`, compare: false },
    { name: 'flavor delete fdesc', as: 'admin', service: 'compute', method: 'DELETE', path: (v) => `/flavors/${v.ids.fdesc ?? 'nfd-none'}`, compare: false },
    { name: 'flavor show: deleted', as: 'admin', service: 'compute', method: 'GET', path: (v) => `/flavors/${v.ids.f1}` },
  ];
}

/** The whole script, in order (the operator steps run while the server exists, just before it is deleted). */
export function differentialSteps(): Step[] {
  const servers = serverSteps();
  const deleteAt = servers.findIndex((s) => s.name === 'server delete');
  return [
    ...identitySteps(), ...versionSteps(), ...flavorSteps(), ...keypairSteps(), ...aggregateSteps(), ...quotaSteps(), ...serverGroupSteps(),
    ...servers.slice(0, deleteAt), ...operatorSteps(), ...servers.slice(deleteAt), ...miscSteps(), ...cleanupSteps(),
  ];
}

/** The runs: compute microversions (the brief's 2.1, 2.53, 2.79, 2.93) with a Cinder version each. */
export const RUNS: Versions[] = [
  { compute: '2.1', volume: '3.0' },
  { compute: '2.53', volume: '3.50' },
  { compute: '2.79', volume: '3.60' },
  { compute: '2.93', volume: '3.70' },
];
