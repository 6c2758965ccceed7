/**
 * What the Pulumi plugin's gRPC server (plugin-server.ts) asks of novaform:
 * the resource lifecycle in plain JSON values. The server turns protobuf
 * Structs, secrets and unknowns into these and back; the operations run
 * the same kind modules, plan semantics, safe creates and ownership rules
 * as the YAML path, through the stack session.
 *
 * Values: plain JSON (no Pulumi sentinels). Secrets arrive unwrapped; the
 * server wraps the output properties `secretOutputs(type)` names.
 * `type` is a Pulumi type token, `novaform:index:Flavor`.
 */

export interface CheckFailure {
  /** The input property path, e.g. `extraSpecs` or `volumes[0].volume`. */
  readonly property: string;
  readonly reason: string;
}

export type DiffKind = 'ADD' | 'ADD_REPLACE' | 'DELETE' | 'DELETE_REPLACE' | 'UPDATE' | 'UPDATE_REPLACE';

export interface DiffResult {
  readonly changes: boolean;
  /** Top-level input properties whose change forces a replace. */
  readonly replaces: readonly string[];
  /** True where the cloud refuses two objects of one name (flavors, keypairs). */
  readonly deleteBeforeReplace: boolean;
  /** Property path -> how it changes; resize and rebuild are UPDATE with a note in `diffs`' companion. */
  readonly detailedDiff: Readonly<Record<string, { kind: DiffKind; inputDiff: boolean }>>;
  /** Top-level properties that changed. */
  readonly diffs: readonly string[];
  /**
   * What a person must read before the change, as `novaform plan` prints
   * it: data loss, and that a resize or rebuild (an UPDATE to Pulumi)
   * restarts the server. The server logs each as a warning on the resource.
   */
  readonly notes: readonly string[];
}

export interface ReadResult {
  readonly id: string;
  readonly outputs: Record<string, unknown>;
  readonly inputs: Record<string, unknown>;
  /** What the inputs cannot carry (an import of a server: its admin password); logged as warnings. */
  readonly notes: readonly string[];
}

export interface ResourceOperations {
  /** Checks provider configuration (`cloud`, `stack`, `stateDir`); failures name the key. */
  checkConfig(news: Record<string, unknown>): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }>;
  /** Takes the provider configuration; connects lazily on first use. */
  configure(config: Record<string, unknown>): Promise<void>;
  /** Validates inputs with the manifests' rules and messages; returns the inputs with defaults applied. */
  check(type: string, urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }>;
  diff(type: string, urn: string, id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<DiffResult>;
  /** `preview`: return the outputs known without creating anything (id ''). */
  create(type: string, urn: string, inputs: Record<string, unknown>, preview: boolean): Promise<{ id: string; outputs: Record<string, unknown> }>;
  /** Refresh (with state) and import (without: the inputs come from the cloud object): undefined when the object is gone. */
  read(type: string, urn: string, id: string, inputs: Record<string, unknown> | undefined): Promise<ReadResult | undefined>;
  update(type: string, urn: string, id: string, olds: Record<string, unknown>, news: Record<string, unknown>, preview: boolean): Promise<{ outputs: Record<string, unknown> }>;
  delete(type: string, urn: string, id: string, outputs: Record<string, unknown>): Promise<void>;
  /** Output properties to send as secrets. */
  secretOutputs(type: string): readonly string[];
  /** Releases the session (the stack lock) and the cloud connection. */
  close(): Promise<void>;
}
