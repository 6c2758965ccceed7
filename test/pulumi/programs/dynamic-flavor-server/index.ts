/**
 * A Pulumi program on novaform's dynamic resources (`novaform/pulumi/dynamic`,
 * no plugin): a flavor sized by the config `size` (small | large), a
 * keypair, and a server on that flavor with a userData script (a secret).
 * It exports the server's `cloudId` and the flavor's name. Config `prefix`
 * keeps the cloud names of one test run apart from another's; `publicKey`
 * is the keypair's key.
 */
import * as pulumi from '@pulumi/pulumi';
import { Flavor, Keypair, Server } from 'novaform/pulumi/dynamic';

const SIZES: Record<string, { ram: number }> = { small: { ram: 256 }, large: { ram: 512 } };

const config = new pulumi.Config();
const size = config.get('size') ?? 'small';
const sizing = SIZES[size];
if (sizing === undefined) throw new pulumi.RunError(`config 'size' must be one of ${Object.keys(SIZES).join(', ')}, not '${size}'`);
const prefix = config.require('prefix');

const flavor = new Flavor('flavor', { name: `${prefix}-${size}`, vcpus: 1, ram: sizing.ram, disk: 1 });
const keypair = new Keypair('key', { name: `${prefix}-key`, publicKey: config.require('publicKey') });
const server = new Server('web', {
  name: `${prefix}-web`,
  flavor: flavor.name,
  image: 'cirros',
  keypair: keypair.name,
  networks: 'none',
  userData: '#!/bin/sh\necho novaform-dynamic\n',
});

export const cloudId = server.cloudId;
export const flavorName = flavor.name;
export const status = server.status;
