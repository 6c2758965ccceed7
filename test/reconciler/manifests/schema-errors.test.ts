import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFixture, DOCS, where, type Fixture } from './manifest-fixtures.ts';

/** Schema violations: each with its exact file:line:column, JSON path, message and hint. */
describe('manifest schema errors', () => {
  let fx: Fixture;
  before(async () => { fx = await createFixture(); });
  after(() => fx.remove());

  const only = async (text: string) => {
    await fx.write({ 'case.yaml': text });
    const result = await fx.load(['case.yaml']);
    assert.equal(result.manifests.length, 0, 'an invalid document yields no manifest');
    return result.errors;
  };

  it('unknown field: points at the key and suggests the closest field', async () => {
    const [error, ...rest] = await only(DOCS.flavor('m1', 'vcpu: 1\n  ram: 512\n  disk: 1'));
    // the missing 'vcpus' is reported too, at the spec key
    assert.deepEqual([where(error!), ...rest.map(where)], ['case.yaml:5:1 spec.vcpus missing-field', 'case.yaml:6:3 spec.vcpu unknown-field']);
    assert.equal(rest[0]!.message, "unknown field 'vcpu' in a Flavor spec");
    assert.deepEqual(rest[0]!.hints, ["did you mean 'vcpus'?"]);
    assert.equal(error!.message, "missing required field 'vcpus' in a Flavor spec");
    assert.deepEqual(error!.hints, ['e.g. vcpus: 2']);
  });

  it('unknown field in snake_case or another tool\'s words maps to novaform\'s name', async () => {
    const errors = await only(DOCS.server('web', 'flavor: f\n  image: i\n  key_name: ops\n  user_data: x'));
    assert.deepEqual(errors.map(where), ['case.yaml:8:3 spec.key_name unknown-field', 'case.yaml:9:3 spec.user_data unknown-field']);
    assert.deepEqual(errors.map((e) => e.hints[0]), ["did you mean 'keypair'?", "did you mean 'userData'?"]);
  });

  it('unknown field without a close match lists the known fields', async () => {
    const [error] = await only(DOCS.volume('v', 'size: 1\n  colour: blue'));
    assert.equal(where(error!), 'case.yaml:7:3 spec.colour unknown-field');
    assert.match(error!.hints[0]!, /^known fields: size, volumeType, availabilityZone, image, description, metadata, deletionPolicy, managementPolicy, import$/);
  });

  it('wrong type: the expected type, what was found, and an example from the schema', async () => {
    const [error] = await only(DOCS.flavor('m1', 'vcpus: two\n  ram: 512\n  disk: 1'));
    assert.equal(where(error!), 'case.yaml:6:10 spec.vcpus wrong-type');
    assert.equal(error!.message, 'expected an integer, got string "two"');
    assert.deepEqual(error!.hints, ['e.g. vcpus: 2']);
  });

  it('wrong type of a YAML 1.1 boolean explains the YAML 1.2 reading', async () => {
    const [error] = await only(DOCS.flavor('m1', 'vcpus: 1\n  ram: 512\n  disk: 1\n  isPublic: yes'));
    assert.equal(where(error!), 'case.yaml:9:13 spec.isPublic wrong-type');
    assert.equal(error!.message, 'expected true or false, got string "yes"');
    assert.deepEqual(error!.hints, ['YAML 1.2 reads yes/no/on/off as strings: write true or false', 'e.g. isPublic: false']);
  });

  it('a number where a string is expected asks to quote it', async () => {
    const [error] = await only('apiVersion: novaform/v1\nkind: Volume\nmetadata:\n  name: v\n  labels:\n    tier: 1\nspec: {size: 1}\n');
    assert.equal(where(error!), 'case.yaml:6:11 metadata.labels.tier wrong-type');
    assert.equal(error!.hints[0], 'quote it: "1"');
  });

  it('a size of the wrong unit system is refused with the binary spelling', async () => {
    const [error] = await only(DOCS.flavor('m1', 'vcpus: 1\n  ram: 2GB\n  disk: 1'));
    assert.equal(where(error!), 'case.yaml:7:8 spec.ram quantity');
    assert.equal(error!.message, 'expected an integer number of MiB or a quantity such as "2GiB" or "512MiB", got string "2GB"');
    assert.deepEqual(error!.hints, ['Nova counts in binary units: write "2GiB"']);
  });

  it('apiVersion typo', async () => {
    const [error] = await only('apiVersion: novaform/v1beta1\nkind: Volume\nmetadata: {name: v}\nspec: {size: 1}\n');
    assert.equal(where(error!), 'case.yaml:1:13 apiVersion api-version');
    assert.equal(error!.message, 'expected "novaform/v1", got string "novaform/v1beta1"');
  });

  it('kind typo suggests the kind', async () => {
    for (const [written, meant] of [['Sever', 'Server'], ['flavor', 'Flavor'], ['KeyPair', 'Keypair'], ['Volumes', 'Volume']]) {
      const [error] = await only(`apiVersion: novaform/v1\nkind: ${written}\nmetadata: {name: v}\nspec: {}\n`);
      assert.equal(where(error!), 'case.yaml:2:7 kind unknown-kind');
      assert.equal(error!.message, `unknown kind "${written}"; expected one of Quota, Flavor, Keypair, Volume, Aggregate, ServerGroup, Server, ComputeService`);
      assert.deepEqual(error!.hints, [`did you mean '${meant}'?`]);
    }
  });

  it('enum values suggest the closest one', async () => {
    const [error] = await only(DOCS.server('web', 'flavor: f\n  image: i\n  powerState: runing'));
    assert.equal(where(error!), 'case.yaml:8:15 spec.powerState invalid-value');
    assert.equal(error!.message, "expected one of 'running', 'stopped', got string \"runing\"");
    assert.deepEqual(error!.hints, ["did you mean 'running'?"]);
  });

  it('missing metadata.name points at metadata; a missing spec at the document', async () => {
    const errors = await only('apiVersion: novaform/v1\nkind: Volume\nmetadata:\n  labels: {a: b}\n');
    assert.deepEqual(errors.map(where), ['case.yaml:1:1 spec missing-field', 'case.yaml:3:1 metadata.name missing-field']);
  });

  it('metadata keys: Nova\'s pattern (no "/"), pointed at the key', async () => {
    const [error] = await only(DOCS.volume('v', 'size: 1\n  metadata:\n    team/owner: a'));
    assert.equal(where(error!), 'case.yaml:8:5 spec.metadata["team/owner"] invalid-value');
    assert.match(error!.message, /^key "team\/owner" is not allowed: expected a metadata key of 1-255 characters .*refuses '\/'/);
  });

  it('extra spec keys follow the same pattern', async () => {
    const [error] = await only(DOCS.flavor('m1', 'vcpus: 1\n  ram: 512\n  disk: 1\n  extraSpecs:\n    "hw/cpu": dedicated'));
    assert.equal(where(error!), 'case.yaml:10:5 spec.extraSpecs["hw/cpu"] invalid-value');
  });

  it('metadata values longer than 255 characters and more than 128 items', async () => {
    const items = Array.from({ length: 129 }, (_, i) => `    k${i}: v`).join('\n');
    const errors = await only(DOCS.volume('v', `size: 1\n  description: ${'d'.repeat(256)}\n  metadata:\n${items}`));
    assert.deepEqual(errors.map(where), ['case.yaml:7:16 spec.description invalid-value', 'case.yaml:8:3 spec.metadata invalid-value']);
    assert.equal(errors[0]!.message, 'is 256 characters long; at most 255 allowed');
    assert.equal(errors[1]!.message, 'has 129 entries; at most 128 allowed');
  });

  it('tags: at most 50, 1-60 characters, no "," or "/", no repeats', async () => {
    const many = Array.from({ length: 51 }, (_, i) => `t${i}`).join(', ');
    const errors = await only(DOCS.server('web', `flavor: f\n  image: i\n  tags: [${many}]`));
    assert.deepEqual(errors.map((e) => `${where(e)} ${e.message}`), ['case.yaml:8:3 spec.tags invalid-value has 51 items; at most 50 allowed']);
    const bad = await only(DOCS.server('web', `flavor: f\n  image: i\n  tags: [ok, "a,b", ${'x'.repeat(61)}, ok]`));
    assert.deepEqual(bad.map(where), ['case.yaml:8:14 spec.tags[1] invalid-value', 'case.yaml:8:21 spec.tags[2] invalid-value', 'case.yaml:8:84 spec.tags[3] invalid-value']);
    assert.equal(bad[0]!.message, 'expected a tag of 1-60 characters without \',\' or \'/\', got string "a,b"');
    assert.equal(bad[1]!.message, 'is 61 characters long; at most 60 allowed');
    assert.equal(bad[2]!.message, 'repeats item 0 (string "ok")');
  });

  it('names: at most 255 characters; keypair names with Nova 2.92\'s characters', async () => {
    const [long] = await only(DOCS.volume('x'.repeat(256)));
    assert.equal(where(long!), 'case.yaml:4:9 metadata.name invalid-value');
    const [keypair] = await only('apiVersion: novaform/v1\nkind: Keypair\nmetadata: {name: "ops/key"}\nspec: {publicKey: x}\n');
    assert.equal(where(keypair!), 'case.yaml:3:18 metadata.name invalid-value');
    assert.match(keypair!.message, /keypair name of letters, digits, space and @ \. _ -/);
  });

  it('a keypair needs exactly one of publicKey and publicKeyFile', async () => {
    const [none] = await only('apiVersion: novaform/v1\nkind: Keypair\nmetadata: {name: ops}\nspec:\n  type: ssh\n');
    assert.equal(where(none!), 'case.yaml:4:1 spec invalid-value');
    assert.equal(none!.message, "expected exactly one of 'publicKey' or 'publicKeyFile'");
    const both = await only('apiVersion: novaform/v1\nkind: Keypair\nmetadata: {name: ops}\nspec:\n  publicKey: a\n  publicKeyFile: b\n');
    assert.deepEqual(both.map(where), ['case.yaml:4:1 spec invalid-value']);
  });

  it('networks: none, auto or a list of {network[, fixedIp]} | {port}', async () => {
    const [word] = await only(DOCS.server('web', 'flavor: f\n  image: i\n  networks: nope'));
    assert.equal(where(word!), 'case.yaml:8:13 spec.networks invalid-value');
    assert.equal(word!.message, "expected 'none', 'auto' or a list of networks, got string \"nope\"");
    const uuid = '3f1f6c2e-5b8d-4c4e-9a47-0d1c2b3a4f5e';
    const list = await only(DOCS.server('web', `flavor: f\n  image: i\n  networks:\n    - {network: ${uuid}, port: ${uuid}}\n    - {network: ${uuid}, fixedIp: 10.0.0.300}\n    - {fixedIp: 10.0.0.1}`));
    assert.deepEqual(list.map(where), ['case.yaml:9:7 spec.networks[0] invalid-value', 'case.yaml:10:64 spec.networks[1].fixedIp invalid-value', 'case.yaml:11:7 spec.networks[2] invalid-value']);
    assert.equal(list[0]!.message, 'expected a network entry: {network: <id>} (optionally with fixedIp) or {port: <id>} alone');
    assert.equal(list[1]!.message, 'expected an IPv4 or IPv6 address, got string "10.0.0.300"');
  });

  it('volume device names as Nova matches them', async () => {
    const [error] = await only(DOCS.server('web', 'flavor: f\n  image: i\n  volumes:\n    - {volume: d, device: vdb}'));
    assert.equal(where(error!), 'case.yaml:9:27 spec.volumes[0].device invalid-value');
  });

  it('a document that is not a mapping', async () => {
    const [error] = await only('- apiVersion: novaform/v1\n');
    assert.equal(where(error!), 'case.yaml:1:1  not-a-mapping');
  });

  it('userData is never echoed in messages', async () => {
    const [error] = await only(DOCS.server('web', 'flavor: f\n  image: i\n  userData: [password=hunter2]'));
    assert.equal(where(error!), 'case.yaml:8:13 spec.userData wrong-type');
    assert.doesNotMatch(JSON.stringify(error), /hunter2/);
  });
});
