import { readFileSync } from 'node:fs';
import * as pulumi from '@pulumi/pulumi';
import { Flavor, Keypair, Server, Volume } from 'novaform/pulumi';

// A flavor, a keypair, a data volume and two servers. The servers refer to
// the others by their `name` outputs, so Pulumi creates those first.

const small = new Flavor('pulumi.small', {
  vcpus: 1,
  ram: '512MiB',
  disk: 1,
  description: 'made by the novaform Pulumi example',
  extraSpecs: { 'hw:cpu_policy': 'shared' },
});

// Only the public half is committed (the quickstart's key); novaform never handles private keys.
const key = new Keypair('pulumi-key', {
  publicKey: readFileSync(new URL('../../quickstart/keys/quickstart.pub', import.meta.url), 'utf8').trim(),
});

const data = new Volume('pulumi-data', { size: '1GiB', description: 'data disk for pulumi-web', metadata: { purpose: 'data' } });

// userData is a secret in and out: it never shows in clear in Pulumi's state or output.
const config = new pulumi.Config();
const web = new Server('pulumi-web', {
  flavor: small.name,
  image: config.get('image') ?? 'cirros',
  keypair: key.name,
  networks: 'none',
  metadata: { role: 'web' },
  tags: ['pulumi', 'web'],
  volumes: [{ volume: data.name, device: '/dev/vdb' }],
  userData: '#cloud-config\nhostname: pulumi-web\n',
});

const batch = new Server('pulumi-batch', {
  flavor: small.name,
  image: config.get('image') ?? 'cirros',
  keypair: key.name,
  networks: 'none',
  powerState: 'running',
  onError: 'recreate',
});

export const flavorId = small.cloudId;
export const volumeId = data.cloudId;
export const webStatus = web.status;
export const batchStatus = batch.status;
