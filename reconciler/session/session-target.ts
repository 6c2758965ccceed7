import type { Clients } from '../../provider/openstack/openstack-client.ts';
import type { CloudIdentity } from '../state/cloud-binding.ts';

/**
 * The cloud a stack session works on, handed in as a value: the caller
 * (the CLI, the controller, the Pulumi provider) is the composition root
 * that decides between a real cloud and the embedded engine, so the
 * session never imports engine/ (DESIGN.md "Two worlds, one client").
 */
export interface SessionTarget {
  readonly clients: Clients;
  /** What the state is bound to (reconciler/state/cloud-binding.ts). */
  readonly identity: CloudIdentity;
  /** The name shown in plans and prompts: the clouds.yaml name, `envvars`, or `embedded`. */
  readonly cloudName: string;
  /** Releases the clients (and whatever the target started, such as an engine). */
  close(): Promise<void>;
}
