import { Manifests } from 'novaform/pulumi';

// Every manifest of examples/quickstart as a Pulumi resource: the same YAML
// `novaform apply` reads, no rewrite. Paths are relative to this directory
// (Pulumi runs a program in its project directory).
const quickstart = new Manifests('quickstart', { path: '../../quickstart' });

export const resources = quickstart.ready.then((registered) => Object.keys(registered));
