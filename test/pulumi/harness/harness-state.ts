/**
 * The test harness's in-memory stand-in for a Pulumi stack's state (see
 * engine-harness.ts): what each registered resource is, and the order its
 * deletes MUST run in. No checkpoint is ever written.
 */
export type Props = Record<string, unknown>;
export type Step = 'create' | 'import' | 'update' | 'replace' | 'same' | 'register' | 'delete';

/** One resource the harness holds, in wire form (sentinels kept) as the engine's state would. */
export interface ResourceState {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly id: string;
  readonly inputs: Props;
  readonly outputs: Props;
  /** URNs it depends on (its parent and the resources its inputs came from): deleted after it. */
  readonly dependencies: readonly string[];
}

/** What happened to one registration (or deletion) in a run, with plain JSON values. */
export interface Registration {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly step: Step;
  readonly id: string;
  readonly outputs: Props;
}

/** The harness's state between runs: resources by URN, oldest first (a Map keeps insertion order). */
export class HarnessState {
  readonly resources = new Map<string, ResourceState>();
}

/** The state's resources, dependents before what they depend on (the order deletes MUST run in). */
export function deletionOrder(state: HarnessState): ResourceState[] {
  const left = [...state.resources.values()].reverse();
  const ordered: ResourceState[] = [];
  while (left.length > 0) {
    const free = left.findIndex((r) => !left.some((other) => other.dependencies.includes(r.urn)));
    // A cycle cannot come from a program; newest first is the fallback.
    ordered.push(...left.splice(free < 0 ? 0 : free, 1));
  }
  return ordered;
}
