/**
 * A Pulumi program on novaform's resources: a flavor sized by the config
 * `size` (small | large), a keypair, and a server on that flavor (referring
 * to the flavor's `name` output, so the server follows the flavor). It
 * exports the server's `cloudId`. Config `prefix` keeps the cloud names of
 * one test run apart from another's; `publicKey` is the keypair's key.
 *
 * It uses novaform's SDK as a user's program does (`novaform/pulumi`,
 * resolved here as the package's reference to itself).
 */
import * as pulumi from '@pulumi/pulumi';
import { Flavor, Keypair, Server } from 'novaform/pulumi';

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
});

export const cloudId = server.cloudId;
export const flavorName = flavor.name;
