import assert from 'node:assert/strict';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createFixture, DOCS, PUBLIC_KEY, where, type Fixture } from './manifest-fixtures.ts';

/** Problems beyond the schema: files, YAML, sizes, keys, and checks across documents. */
describe('manifest loading errors', () => {
  let fx: Fixture;
  before(async () => { fx = await createFixture(); });
  after(() => fx.remove());

  const errorsOf = async (files: Record<string, string | Uint8Array>, paths: string[], options = {}) => {
    await fx.write(files);
    return (await fx.load(paths, options)).errors;
  };

  describe('files and YAML', () => {
    it('duplicate keys in a mapping: both places', async () => {
      const [error] = await errorsOf({ 'dup/a.yaml': DOCS.flavor('m1', 'vcpus: 1\n  ram: 512\n  disk: 1\n  ram: 1024') }, ['dup']);
      assert.equal(where(error!), 'dup/a.yaml:9:3 spec.ram yaml-duplicate-key');
      assert.equal(error!.message, "duplicate key 'ram' in a mapping");
      assert.deepEqual(error!.related, [{ file: 'dup/a.yaml', line: 7, column: 3, message: "'ram' first appears here" }]);
    });

    it('YAML alias bombs are refused at the first alias, not expanded', async () => {
      const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n');
      const [error] = await errorsOf({ 'bomb.yaml': bomb }, ['bomb.yaml']);
      assert.equal(where(error!), 'bomb.yaml:2:8  yaml-alias-limit');
      assert.match(error!.message, /limit is 100/);
      const raised = await errorsOf({}, ['bomb.yaml'], { limits: { maxAliasCount: 10_000 } });
      assert.equal(raised.some((e) => e.code === 'yaml-alias-limit'), false, 'the limit is configurable');
    });

    it('syntax errors carry the parser\'s place', async () => {
      const [error] = await errorsOf({ 'syntax.yaml': 'apiVersion: novaform/v1\nkind: [Flavor\nmetadata: {}\n' }, ['syntax.yaml']);
      assert.equal(error!.code, 'yaml-syntax');
      assert.equal(`${error!.file}:${error!.line}`, 'syntax.yaml:3');
    });

    it('oversized files are refused before reading; the total budget stops further reads', async () => {
      await fx.write({ 'big/a.yaml': DOCS.volume('a'), 'big/b.yaml': `${DOCS.volume('b')}# ${'x'.repeat(200)}\n`, 'big/c.yaml': DOCS.volume('c') });
      const [tooBig] = (await fx.load(['big'], { limits: { maxFileBytes: 200 } })).errors;
      assert.equal(where(tooBig!), 'big/b.yaml:1:1  file-too-large');
      assert.match(tooBig!.message, /^the file is \d+ bytes; manifest files are limited to 200 bytes$/);
      const total = await fx.load(['big'], { limits: { maxTotalBytes: 300 } });
      assert.deepEqual(total.errors.map(where), ['big/b.yaml:1:1  total-too-large']);
      assert.deepEqual(total.files, ['big/a.yaml'], 'no file after the budget ran out was read');
    });

    it('non-UTF-8 bytes are reported at their line and column', async () => {
      const latin1 = Buffer.concat([Buffer.from(DOCS.volume('v', 'size: 1\n  description: caf').trimEnd()), Buffer.from([0xe9]), Buffer.from('\n')]);
      const [error] = await errorsOf({ 'latin1.yaml': latin1 }, ['latin1.yaml']);
      assert.equal(where(error!), 'latin1.yaml:7:19  not-utf8');
      assert.match(error!.message, /^invalid UTF-8 \(byte 0xe9 at offset \d+\)/);
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('kind: Volume\n', 'utf16le')]);
      const [wide] = await errorsOf({ 'utf16.yaml': utf16 }, ['utf16.yaml']);
      assert.equal(wide!.message, 'the file is UTF-16; manifests must be UTF-8');
    });
  });

  describe('sizes and spec rules', () => {
    it('a quantity that is not a whole number of the unit', async () => {
      const errors = await errorsOf({ 'q.yaml': DOCS.flavor('m1', 'vcpus: 1\n  ram: 1.5GiB\n  disk: 1.5GiB\n  swap: 0.5KiB') }, ['q.yaml']);
      assert.deepEqual(errors.map(where), ['q.yaml:8:9 spec.disk quantity', 'q.yaml:9:9 spec.swap quantity']);
      assert.equal(errors[0]!.message, '"1.5GiB" is 1.5 GiB, not a whole number of GiB');
      assert.deepEqual(errors[0]!.hints, ['sizes here are whole GiB: write "1GiB" or "2GiB"']);
    });

    it('a quantity below the field\'s minimum', async () => {
      const [error] = await errorsOf({ 'q.yaml': DOCS.volume('v', 'size: 512MiB') }, ['q.yaml']);
      assert.equal(where(error!), 'q.yaml:6:9 spec.size quantity');
    });

    it('user data over 65535 bytes once base64-encoded', async () => {
      const ok = 'a'.repeat(49149);
      assert.deepEqual(await errorsOf({ 'u.yaml': DOCS.server('web', `flavor: f\n  image: i\n  userData: ${ok}`) }, ['u.yaml']), []);
      const [error] = await errorsOf({ 'u.yaml': DOCS.server('web', `flavor: f\n  image: i\n  userData: ${'é'.repeat(24575)}`) }, ['u.yaml']);
      assert.equal(where(error!), 'u.yaml:8:13 spec.userData user-data-too-large');
      assert.equal(error!.message, 'is 65536 bytes once base64-encoded; Nova accepts at most 65535');
    });

    it('metadata keys reserved for ownership, and the aggregate zone key', async () => {
      const errors = await errorsOf({
        'r.yaml': `${DOCS.volume('v', 'size: 1\n  metadata:\n    novaform:stack: other')}---\napiVersion: novaform/v1\nkind: Aggregate\nmetadata: {name: agg}\nspec:\n  metadata: {availability_zone: az1}\n`,
      }, ['r.yaml']);
      assert.deepEqual(errors.map(where), ['r.yaml:8:5 spec.metadata["novaform:stack"] reserved-key', 'r.yaml:14:14 spec.metadata.availability_zone reserved-key']);
      assert.deepEqual(errors[1]!.hints, ['use spec.availabilityZone instead']);
    });

    it('an access list on a public flavor', async () => {
      const [error] = await errorsOf({ 'f.yaml': DOCS.flavor('m1', 'vcpus: 1\n  ram: 512\n  disk: 1\n  access: [p1]') }, ['f.yaml']);
      assert.equal(where(error!), 'f.yaml:9:3 spec.access flavor-access');
      assert.deepEqual(await errorsOf({ 'f.yaml': DOCS.flavor('m1', 'vcpus: 1\n  ram: 512\n  disk: 1\n  isPublic: false\n  access: [p1]') }, ['f.yaml']), []);
    });
  });

  describe('public keys', () => {
    const keypair = (spec: string) => `apiVersion: novaform/v1\nkind: Keypair\nmetadata: {name: ops}\nspec:\n  ${spec}\n`;

    it('publicKeyFile is read relative to the manifest\'s directory', async () => {
      await fx.write({ 'keys/team/ops.yaml': keypair('publicKeyFile: ../ops.pub'), 'keys/ops.pub': `${PUBLIC_KEY}\n` });
      const result = await fx.load(['keys/team']);
      assert.deepEqual(result.errors, []);
      assert.equal(result.manifests[0]!.kind === 'Keypair' && result.manifests[0]!.spec.publicKey, PUBLIC_KEY);
    });

    it('a publicKeyFile that does not exist, or is a directory', async () => {
      const [missing] = await errorsOf({ 'k1/ops.yaml': keypair('publicKeyFile: nope.pub') }, ['k1']);
      assert.equal(where(missing!), 'k1/ops.yaml:5:18 spec.publicKeyFile public-key-file');
      assert.equal(missing!.message, `cannot read 'nope.pub' (${join(fx.dir, 'k1', 'nope.pub')}): no such file`);
      await mkdir(join(fx.dir, 'k2', 'dir.pub'), { recursive: true });
      const [dir] = await errorsOf({ 'k2/ops.yaml': keypair('publicKeyFile: dir.pub') }, ['k2']);
      assert.match(dir!.message, /: is a directory$/);
      const [tilde] = await errorsOf({ 'k3/ops.yaml': keypair('publicKeyFile: ~/.ssh/id.pub') }, ['k3']);
      assert.equal(tilde!.message, "'~/.ssh/id.pub': '~' is not expanded");
    });

    it('an unreadable publicKeyFile', { skip: process.getuid?.() === 0 ? 'root reads every file' : false }, async () => {
      await fx.write({ 'k4/ops.yaml': keypair('publicKeyFile: ops.pub'), 'k4/ops.pub': PUBLIC_KEY });
      await chmod(join(fx.dir, 'k4', 'ops.pub'), 0o000);
      const [error] = await (await fx.load(['k4'])).errors;
      assert.match(error!.message, /: permission denied$/);
    });

    it('a private key is refused and never echoed', async () => {
      const secret = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQSECRET\n-----END OPENSSH PRIVATE KEY-----\n';
      const [file] = await errorsOf({ 'k5/ops.yaml': keypair('publicKeyFile: id_ed25519'), 'k5/id_ed25519': secret }, ['k5']);
      assert.equal(where(file!), 'k5/ops.yaml:5:18 spec.publicKeyFile public-key-file');
      assert.equal(file!.message, "'id_ed25519': this is a private key; a keypair takes the public key only");
      assert.deepEqual(file!.hints, ["point publicKeyFile at the public half, e.g. 'id_ed25519.pub'"]);
      const [inline] = await errorsOf({ 'k6/ops.yaml': keypair(`publicKey: ${JSON.stringify(secret)}`) }, ['k6']);
      assert.equal(where(inline!), 'k6/ops.yaml:5:14 spec.publicKey public-key');
      assert.doesNotMatch(JSON.stringify([file, inline]), /SECRET/);
    });

    it('key text that is not one OpenSSH public key', async () => {
      const truncated = PUBLIC_KEY.replace('AAAAC3NzaC1lZDI1NTE5', 'AAAAC3NzaC1yc2E');
      const cases: Array<[string, RegExp]> = [
        [`publicKey: "${truncated}"`, /^the key data is not a ssh-ed25519 key/],
        ['publicKey: "not a key"', /^not an OpenSSH public key/],
        [`publicKey: "${PUBLIC_KEY}\\n${PUBLIC_KEY}"`, /^holds 2 keys; a keypair has exactly one$/],
        [`publicKey: "${PUBLIC_KEY}"\n  type: x509`, /^not a PEM certificate$/],
      ];
      for (const [spec, message] of cases) {
        const [error] = await errorsOf({ 'k7/ops.yaml': keypair(spec) }, ['k7']);
        assert.equal(error?.code, 'public-key', spec);
        assert.match(error!.message, message);
      }
    });
  });

  describe('across documents', () => {
    it('duplicate names per kind: the later one, pointing back at the first', async () => {
      const errors = await errorsOf({ 'd/a.yaml': DOCS.flavor('m1'), 'd/b.yaml': `${DOCS.volume('m1')}---\n${DOCS.flavor('m1')}` }, ['d']);
      assert.deepEqual(errors.map(where), ['d/b.yaml:11:9 metadata.name duplicate-name']);
      assert.equal(errors[0]!.message, "duplicate Flavor name 'm1': names are unique per kind in a stack");
      assert.deepEqual(errors[0]!.related, [{ file: 'd/a.yaml', line: 4, column: 9, message: "Flavor 'm1' is first defined here" }]);
    });

    it('a volume attached to two servers (manifest or cloud volume), or twice to one', async () => {
      const twoServers = `${DOCS.volume('data')}---\n${DOCS.server('a', 'flavor: f\n  image: i\n  volumes: [{volume: data}, {volume: cloud-vol}]')}---\n${DOCS.server('b', 'flavor: f\n  image: i\n  volumes:\n    - volume: data\n    - volume: cloud-vol')}`;
      const errors = await errorsOf({ 'v.yaml': twoServers }, ['v.yaml']);
      assert.deepEqual(errors.map(where), ['v.yaml:25:15 spec.volumes[0].volume volume-attached-twice', 'v.yaml:26:15 spec.volumes[1].volume volume-attached-twice']);
      assert.equal(errors[0]!.message, "volume 'data' is already attached to server 'a'; a volume attaches to one server");
      assert.deepEqual(errors[0]!.related, [{ file: 'v.yaml', line: 15, column: 22, message: "server 'a' attaches 'data' here" }]);
      const [twice] = await errorsOf({ 'v.yaml': DOCS.server('a', 'flavor: f\n  image: i\n  volumes: [{volume: d}, {volume: d}]') }, ['v.yaml']);
      assert.equal(where(twice!), 'v.yaml:8:35 spec.volumes[1].volume volume-attached-twice');
    });
  });
});
