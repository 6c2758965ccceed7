import type { AnyKindModule } from '../../provider/resources/kind.ts';
import { KIND_MODULES, KIND_NAMES } from '../../provider/resources/registry.ts';
import type { Kind } from '../../provider/resources/types.ts';

/** A kind module, as the generic planner and executor hold them. */
export type AnyHandler = AnyKindModule;

/** One module per kind (the registry's); a plan's steps carry these unless the caller passes its own (a server module with other waits). */
export const DEFAULT_HANDLERS: Readonly<Record<Kind, AnyHandler>> = Object.fromEntries(KIND_MODULES.map((m) => [m.kind, m])) as Record<Kind, AnyHandler>;

/** The kinds in the order plans list them: what others refer to first. */
export const KIND_ORDER: readonly Kind[] = KIND_NAMES;
