import type { Clients } from '../../provider/openstack/openstack-client.ts';
import type { AnyKindModule } from '../../provider/resources/kind.ts';
import type { FieldChange, Kind, Owner } from '../../provider/resources/types.ts';
import type { Plan, PlannedResource, ResourceKey } from './plan-model.ts';

/**
 * How a step finds the cloud object another resource refers to. At plan
 * time a dependency that will be created has no id yet (`id: undefined`);
 * the executor resolves again after the dependency exists, so specs are
 * built twice: once to diff, once to apply.
 */
export type RefResolver = (kind: Kind, name: string) => { id: string | undefined; name: string };

/**
 * One step of a plan with what the executor needs and the JSON plan leaves
 * out (specs may hold secrets; the JSON plan never does).
 */
export interface PlannedStep {
  readonly resource: PlannedResource;
  readonly handler: AnyKindModule;
  readonly owner: Owner;
  /** Builds the resolved spec (undefined for a delete). MUST be pure. */
  readonly buildSpec?: (resolve: RefResolver) => unknown;
  /** The cloud object read at plan time (undefined for a create). */
  readonly observed?: { id: string };
  /** The handler's changes, as diffed at plan time. */
  readonly changes: readonly FieldChange[];
  /** The spec last applied (state store), passed to diffs for map ownership. */
  readonly lastApplied?: unknown;
  /**
   * The steps that MUST finish before this one starts, already oriented
   * (unlike `resource.dependsOn`, which lists references): a create after
   * what it refers to; a delete after the deletes of what referred to it
   * and after the server update that detaches it; an aggregate that gains
   * a host after the one that gives it up. `plan.actions` is one order
   * that satisfies every `after`. Optional for compatibility: when absent,
   * order by `dependsOn` (creates forward, deletes in reverse).
   */
  readonly after?: readonly ResourceKey[];
}

/** A plan and its steps, in the plan's order; `plan` is the printable/saveable contract. */
export interface ExecutablePlan {
  readonly plan: Plan;
  readonly steps: readonly PlannedStep[];
  /**
   * Cloud objects the manifests refer to that no manifest defines, pinned at
   * plan time (e.g. image `cirros`), keyed `Kind/name-as-written` with Kind
   * one of Flavor, Keypair, Volume, Image: `Image/cirros`. Every step's
   * `buildSpec` already carries these; its RefResolver is only asked for
   * resources the plan itself declares.
   */
  readonly pinned: ReadonlyMap<string, { id: string; name: string }>;
  readonly clients: Clients;
}

export function keyOf(key: ResourceKey): string {
  return `${key.kind}/${key.name}`;
}
