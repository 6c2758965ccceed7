import { test } from 'node:test';
import assert from 'node:assert/strict';
import structPb from 'google-protobuf/google/protobuf/struct_pb.js';
import {
  ASSET_SIG, RESOURCE_SIG, SECRET_SIG, SIG_KEY, UNKNOWN, UnsupportedValueError,
  formatPath, unwrapStruct, wrapPlain, wrapStruct,
} from '../../../pulumi/provider/struct-values.ts';

const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });

test('nested maps and lists survive a round trip through the wire form', () => {
  const value = { name: 'web', ram: 2048, isPublic: false, extraSpecs: { 'hw:cpu_policy': 'dedicated' }, volumes: [{ volume: 'data', device: null }], tags: ['a', 'b'] };
  const bytes = wrapStruct(value).serializeBinary();
  const back = unwrapStruct(structPb.Struct.deserializeBinary(bytes));
  assert.deepEqual(back.value, value);
  assert.deepEqual(back.secrets, []);
});

test('secrets are unwrapped on input and their paths remembered, at any depth', () => {
  const input = { adminPass: secret('pw'), metadata: { token: secret('t') }, volumes: [{ volume: 'v' }, secret({ volume: 'w' })] };
  const { value, secrets } = unwrapStruct(structPb.Struct.fromJavaScript(input));
  assert.deepEqual(value, { adminPass: 'pw', metadata: { token: 't' }, volumes: [{ volume: 'v' }, { volume: 'w' }] });
  assert.deepEqual(secrets, [['adminPass'], ['metadata', 'token'], ['volumes', 1]]);
});

test('the remembered paths wrap the same values on output, and absent paths are skipped', () => {
  const input = { adminPass: secret('pw'), metadata: { token: secret('t') }, name: 'web' };
  const { value, secrets } = unwrapStruct(input);
  const out = wrapPlain({ ...value, id: 'x' }, { secrets: [...secrets, ['privateKey']] });
  assert.deepEqual(out, { adminPass: secret('pw'), metadata: { token: secret('t') }, name: 'web', id: 'x' });
});

test('a secret holding a whole object is wrapped once, its members in clear inside it', () => {
  const out = wrapPlain({ userData: { a: 1, b: [1, 2] } }, { secrets: [['userData']] });
  assert.deepEqual(out, { userData: secret({ a: 1, b: [1, 2] }) });
});

test('the unknown sentinel passes through input as the string', () => {
  const { value } = unwrapStruct(structPb.Struct.fromJavaScript({ flavor: UNKNOWN, networks: [UNKNOWN] }));
  assert.deepEqual(value, { flavor: UNKNOWN, networks: [UNKNOWN] });
});

test('unknowns are kept on output only with keepUnknowns', () => {
  const value = { id: UNKNOWN, name: 'web', tags: ['a', UNKNOWN] };
  assert.deepEqual(wrapPlain(value, { keepUnknowns: true }), value);
  assert.deepEqual(wrapPlain(value), { name: 'web', tags: ['a'] });
});

test('undefined members are dropped rather than breaking the Struct', () => {
  assert.deepEqual(wrapStruct({ a: undefined, b: 1 }).toJavaScript(), { b: 1 });
});

test('resource references and assets are refused with the property named', () => {
  const ref = { [SIG_KEY]: RESOURCE_SIG, urn: 'urn:pulumi:s::p::novaform:index:Flavor::f', id: 'f1' };
  assert.throws(() => unwrapStruct({ flavor: ref }), (e: Error) =>
    e instanceof UnsupportedValueError && e.message === 'property flavor: resource references are not supported; pass the resource id as a string');
  assert.throws(() => unwrapStruct({ files: [{ [SIG_KEY]: ASSET_SIG, path: '/x' }] }), /^UnsupportedValueError: property files\[0\]: assets are not supported$/);
  assert.throws(() => unwrapStruct({ x: secret({ [SIG_KEY]: 'ffff' }) }), /property x: unsupported special value ffff/);
});

test('non-finite numbers are refused on output', () => {
  assert.throws(() => wrapPlain({ ram: Number.NaN }), /property ram: NaN is not a JSON number/);
});

test('paths print the way Pulumi prints them', () => {
  assert.equal(formatPath(['volumes', 0, 'volume']), 'volumes[0].volume');
  assert.equal(formatPath(['extraSpecs', 'hw:cpu_policy']), 'extraSpecs["hw:cpu_policy"]');
});
