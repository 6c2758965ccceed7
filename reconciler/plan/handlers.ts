import { aggregateHandler } from '../../provider/resources/aggregate/aggregate-handler.ts';
import { flavorHandler } from '../../provider/resources/flavor/flavor-handler.ts';
import { keypairHandler } from '../../provider/resources/keypair/keypair-handler.ts';
import { serverHandler } from '../../provider/resources/server/server-handler.ts';
import type { Kind, ResourceHandler } from '../../provider/resources/types.ts';
import { volumeHandler } from '../../provider/resources/volume/volume-handler.ts';

/** A handler of any kind, as the generic planner and executor hold them. */
export type AnyHandler = ResourceHandler<any, { id: string }>;

/** One handler per kind; a plan's steps carry these unless the caller passes its own (a server handler with other waits). */
export const DEFAULT_HANDLERS: Readonly<Record<Kind, AnyHandler>> = {
  Flavor: flavorHandler,
  Keypair: keypairHandler,
  Volume: volumeHandler,
  Aggregate: aggregateHandler,
  Server: serverHandler,
};

/** The kinds in the order plans list them: what others refer to first. */
export const KIND_ORDER: readonly Kind[] = ['Flavor', 'Keypair', 'Volume', 'Aggregate', 'Server'];
