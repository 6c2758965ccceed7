/**
 * A Pulumi program that takes in a flavor made outside Pulumi, with the
 * `import` resource option (config `flavorId`), declared with novaform's
 * SDK. Config `ram` and `policy` say what the program declares, so a test
 * can make them match the cloud, or not.
 */
import * as pulumi from '@pulumi/pulumi';
import { Flavor } from 'novaform/pulumi';

const config = new pulumi.Config();
const flavor = new Flavor('existing', {
  name: config.require('name'),
  vcpus: 1,
  ram: config.requireNumber('ram'),
  disk: 1,
  extraSpecs: { 'hw:cpu_policy': config.require('policy') },
}, { import: config.require('flavorId') });

export const cloudId = flavor.cloudId;
