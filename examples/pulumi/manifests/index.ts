import { Manifests } from 'novaform/pulumi';

// Every manifest of examples/quickstart as a Pulumi resource: the same YAML
// `novaform apply` reads, no rewrite. Paths are relative to this directory
// (Pulumi runs a program in its project directory).
const quickstart = new Manifests('quickstart', { path: '../../quickstart' });

// `Kind/name` -> the object's id in the cloud, once everything is registered.
export const cloudIds = quickstart.ready.then((registered) => Object.fromEntries(Object.entries(registered).map(([key, resource]) => [key, resource.id])));
