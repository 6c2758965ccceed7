/**
 * The engine's steps for one custom resource, as the test harness plays them
 * (see engine-harness.ts): Check, then Create when the state lacks it, or
 * Diff then Update / replace; Delete. Calls go to the provider over gRPC,
 * one at a time, with the wire values: secret sentinels kept for a provider
 * that accepts secrets (novaform's plugin); for one that does not (Pulumi's
 * dynamic provider answers Configure with acceptSecrets false) the values
 * are sent plain and its outputs get the secretness of the inputs of the
 * same name back, as the engine does. `additionalSecretOutputs` are made
 * secret in the state for every provider.
 */
import grpc from '@grpc/grpc-js';
import providerPb from '@pulumi/pulumi/proto/provider_pb.js';
import structPb from 'google-protobuf/google/protobuf/struct_pb.js';
import { unwrapStruct, wrapPlain, type PropertyPath } from '../../../pulumi/provider/struct-values.ts';
import type { StartedPlugin } from '../plugin-client.ts';
import type { HarnessState, Props, ResourceState, Step } from './harness-state.ts';

export const toStruct = (value: Props) => structPb.Struct.fromJavaScript(value as Record<string, structPb.JavaScriptValue>);

function promised<Res>(start: (callback: (error: grpc.ServiceError | null, response: Res) => void) => void): Promise<Res> {
  return new Promise((resolve, reject) => start((error, response) => (error ? reject(error) : resolve(response))));
}

/** `props` with the top-level properties `names` (those present) made secret; values already secret stay as they are. */
export function withSecrets(props: Props, names: readonly string[]): Props {
  const { value, secrets } = unwrapStruct(props);
  const added: PropertyPath[] = names.filter((name) => value[name] !== undefined).map((name) => [name]);
  return wrapPlain(value, { secrets: [...secrets, ...added], keepUnknowns: true });
}

/** The top-level properties of `props` that are secret, or hold one. */
function secretNames(props: Props): string[] {
  return [...new Set(unwrapStruct(props).secrets.map((path) => String(path[0])))];
}

/** Provider calls, one at a time (the harness has no parallelism). */
export class ProviderCalls {
  private queue: Promise<unknown> = Promise.resolve();
  /** `acceptsSecrets`: what the provider's Configure answered. */
  constructor(private readonly plugin: StartedPlugin, private readonly acceptsSecrets = true) {}

  /** What the provider is sent: the wire value, or plain values for a provider that refuses secrets. */
  private send(props: Props) {
    return toStruct(this.acceptsSecrets ? props : unwrapStruct(props).value);
  }

  /** What the provider answered, with the secretness of `inputs` put back where the provider could not keep it. */
  private answer(outputs: Props, inputs: Props): Props {
    return this.acceptsSecrets ? outputs : withSecrets(outputs, secretNames(inputs));
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  check(r: { urn: string; type: string; name: string }, olds: Props, news: Props): Promise<Props> {
    return this.serial(async () => {
      const request = new providerPb.CheckRequest().setUrn(r.urn).setType(r.type).setName(r.name).setOlds(this.send(olds)).setNews(this.send(news));
      const response = await promised<InstanceType<typeof providerPb.CheckResponse>>((cb) => this.plugin.client.raw.check(request, cb));
      const failures = response.getFailuresList().map((f) => `${f.getProperty()}: ${f.getReason()}`);
      if (failures.length > 0) throw new Error(`${r.type} ${r.name} is invalid: ${failures.join('; ')}`);
      return this.answer(response.getInputs()?.toJavaScript() ?? {}, news);
    });
  }

  diff(old: ResourceState, news: Props): Promise<{ changed: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
    return this.serial(async () => {
      const request = new providerPb.DiffRequest().setUrn(old.urn).setType(old.type).setName(old.name).setId(old.id)
        .setOlds(this.send(old.outputs)).setOldInputs(this.send(old.inputs)).setNews(this.send(news));
      const response = await promised<InstanceType<typeof providerPb.DiffResponse>>((cb) => this.plugin.client.raw.diff(request, cb));
      const changes = response.getChanges();
      // DIFF_UNKNOWN: the engine compares the inputs itself.
      const changed = changes === providerPb.DiffResponse.DiffChanges.DIFF_UNKNOWN
        ? JSON.stringify(old.inputs) !== JSON.stringify(news)
        : changes === providerPb.DiffResponse.DiffChanges.DIFF_SOME;
      return { changed, replaces: response.getReplacesList(), deleteBeforeReplace: response.getDeletebeforereplace() };
    });
  }

  /** Read with only an id, as an import does: undefined when the provider finds no such object. */
  readForImport(r: { urn: string; type: string; name: string }, id: string): Promise<{ id: string; outputs: Props; inputs: Props } | undefined> {
    return this.serial(async () => {
      const request = new providerPb.ReadRequest().setUrn(r.urn).setType(r.type).setName(r.name).setId(id);
      const response = await promised<InstanceType<typeof providerPb.ReadResponse>>((cb) => this.plugin.client.raw.read(request, cb));
      if (response.getId() === '') return undefined;
      return { id: response.getId(), outputs: response.getProperties()?.toJavaScript() ?? {}, inputs: response.getInputs()?.toJavaScript() ?? {} };
    });
  }

  create(r: { urn: string; type: string; name: string }, inputs: Props): Promise<{ id: string; outputs: Props }> {
    return this.serial(async () => {
      const request = new providerPb.CreateRequest().setUrn(r.urn).setType(r.type).setName(r.name).setProperties(this.send(inputs));
      const response = await promised<InstanceType<typeof providerPb.CreateResponse>>((cb) => this.plugin.client.raw.create(request, cb));
      return { id: response.getId(), outputs: this.answer(response.getProperties()?.toJavaScript() ?? {}, inputs) };
    });
  }

  update(old: ResourceState, news: Props): Promise<Props> {
    return this.serial(async () => {
      const request = new providerPb.UpdateRequest().setUrn(old.urn).setType(old.type).setName(old.name).setId(old.id)
        .setOlds(this.send(old.outputs)).setOldInputs(this.send(old.inputs)).setNews(this.send(news));
      const response = await promised<InstanceType<typeof providerPb.UpdateResponse>>((cb) => this.plugin.client.raw.update(request, cb));
      return this.answer(response.getProperties()?.toJavaScript() ?? {}, news);
    });
  }

  delete(old: ResourceState): Promise<void> {
    return this.serial(async () => {
      const request = new providerPb.DeleteRequest().setUrn(old.urn).setType(old.type).setName(old.name).setId(old.id)
        .setProperties(this.send(old.outputs)).setOldInputs(this.send(old.inputs));
      await promised((cb) => this.plugin.client.raw.delete(request, cb));
    });
  }
}

export type Identity = { urn: string; type: string; name: string; dependencies: readonly string[]; additionalSecretOutputs?: readonly string[] };

/**
 * Check, then create, same, update or replace one custom resource; the
 * state is updated as each call succeeds. With `importId` and no state, it
 * imports as the engine does for the `import` resource option: Read with
 * only the id, Check the program's inputs against the read inputs, Diff
 * against the read outputs, and refuse when the inputs do not match.
 */
export async function registerCustom(calls: ProviderCalls, state: HarnessState, r: Identity, object: Props, importId = ''): Promise<ResourceState & { step: Step }> {
  const old = state.resources.get(r.urn);
  const { additionalSecretOutputs = [], ...identity } = r;
  if (old === undefined && importId !== '') {
    const read = await calls.readForImport(r, importId);
    if (read === undefined) throw new Error(`resource '${importId}' does not exist`);
    const inputs = await calls.check(r, read.inputs, object);
    const imported: ResourceState = { ...identity, custom: true, id: read.id, inputs: read.inputs, outputs: withSecrets(read.outputs, additionalSecretOutputs) };
    const diff = await calls.diff(imported, inputs);
    if (diff.changed) throw new Error(`inputs to import do not match the existing resource; importing this resource will fail`);
    state.resources.set(r.urn, { ...imported, inputs });
    return { ...imported, inputs, step: 'import' };
  }
  const inputs = await calls.check(r, old?.inputs ?? {}, object);
  const save = (id: string, outputs: Props) => {
    const next: ResourceState = { ...identity, custom: true, id, inputs, outputs: withSecrets(outputs, additionalSecretOutputs) };
    state.resources.set(r.urn, next);
    return next;
  };
  if (old === undefined) {
    const created = await calls.create(r, inputs);
    return { ...save(created.id, created.outputs), step: 'create' };
  }
  const diff = await calls.diff(old, inputs);
  if (!diff.changed) return { ...save(old.id, old.outputs), step: 'same' };
  if (diff.replaces.length === 0) return { ...save(old.id, await calls.update(old, inputs)), step: 'update' };
  if (diff.deleteBeforeReplace) {
    await calls.delete(old);
    const created = await calls.create(r, inputs);
    return { ...save(created.id, created.outputs), step: 'replace' };
  }
  const created = await calls.create(r, inputs);
  await calls.delete(old);
  return { ...save(created.id, created.outputs), step: 'replace' };
}
