/**
 * The engine's steps for one custom resource, as the test harness plays them
 * (see engine-harness.ts): Check, then Create when the state lacks it, or
 * Diff then Update / replace; Delete. Calls go to the plugin over gRPC with
 * the wire values (secret sentinels kept), one at a time.
 */
import grpc from '@grpc/grpc-js';
import providerPb from '@pulumi/pulumi/proto/provider_pb.js';
import structPb from 'google-protobuf/google/protobuf/struct_pb.js';
import type { StartedPlugin } from '../plugin-client.ts';
import type { HarnessState, Props, ResourceState, Step } from './harness-state.ts';

export const toStruct = (value: Props) => structPb.Struct.fromJavaScript(value as Record<string, structPb.JavaScriptValue>);

function promised<Res>(start: (callback: (error: grpc.ServiceError | null, response: Res) => void) => void): Promise<Res> {
  return new Promise((resolve, reject) => start((error, response) => (error ? reject(error) : resolve(response))));
}

/** Provider calls, one at a time (the harness has no parallelism). */
export class ProviderCalls {
  private queue: Promise<unknown> = Promise.resolve();
  constructor(private readonly plugin: StartedPlugin) {}

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  check(r: { urn: string; type: string; name: string }, olds: Props, news: Props): Promise<Props> {
    return this.serial(async () => {
      const request = new providerPb.CheckRequest().setUrn(r.urn).setType(r.type).setName(r.name).setOlds(toStruct(olds)).setNews(toStruct(news));
      const response = await promised<InstanceType<typeof providerPb.CheckResponse>>((cb) => this.plugin.client.raw.check(request, cb));
      const failures = response.getFailuresList().map((f) => `${f.getProperty()}: ${f.getReason()}`);
      if (failures.length > 0) throw new Error(`${r.type} ${r.name} is invalid: ${failures.join('; ')}`);
      return response.getInputs()?.toJavaScript() ?? {};
    });
  }

  diff(old: ResourceState, news: Props): Promise<{ changed: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
    return this.serial(async () => {
      const request = new providerPb.DiffRequest().setUrn(old.urn).setType(old.type).setName(old.name).setId(old.id)
        .setOlds(toStruct(old.outputs)).setOldInputs(toStruct(old.inputs)).setNews(toStruct(news));
      const response = await promised<InstanceType<typeof providerPb.DiffResponse>>((cb) => this.plugin.client.raw.diff(request, cb));
      const changes = response.getChanges();
      // DIFF_UNKNOWN: the engine compares the inputs itself.
      const changed = changes === providerPb.DiffResponse.DiffChanges.DIFF_UNKNOWN
        ? JSON.stringify(old.inputs) !== JSON.stringify(news)
        : changes === providerPb.DiffResponse.DiffChanges.DIFF_SOME;
      return { changed, replaces: response.getReplacesList(), deleteBeforeReplace: response.getDeletebeforereplace() };
    });
  }

  create(r: { urn: string; type: string; name: string }, inputs: Props): Promise<{ id: string; outputs: Props }> {
    return this.serial(async () => {
      const request = new providerPb.CreateRequest().setUrn(r.urn).setType(r.type).setName(r.name).setProperties(toStruct(inputs));
      const response = await promised<InstanceType<typeof providerPb.CreateResponse>>((cb) => this.plugin.client.raw.create(request, cb));
      return { id: response.getId(), outputs: response.getProperties()?.toJavaScript() ?? {} };
    });
  }

  update(old: ResourceState, news: Props): Promise<Props> {
    return this.serial(async () => {
      const request = new providerPb.UpdateRequest().setUrn(old.urn).setType(old.type).setName(old.name).setId(old.id)
        .setOlds(toStruct(old.outputs)).setOldInputs(toStruct(old.inputs)).setNews(toStruct(news));
      const response = await promised<InstanceType<typeof providerPb.UpdateResponse>>((cb) => this.plugin.client.raw.update(request, cb));
      return response.getProperties()?.toJavaScript() ?? {};
    });
  }

  delete(old: ResourceState): Promise<void> {
    return this.serial(async () => {
      const request = new providerPb.DeleteRequest().setUrn(old.urn).setType(old.type).setName(old.name).setId(old.id)
        .setProperties(toStruct(old.outputs)).setOldInputs(toStruct(old.inputs));
      await promised((cb) => this.plugin.client.raw.delete(request, cb));
    });
  }
}

export type Identity = { urn: string; type: string; name: string; dependencies: readonly string[] };

/** Check, then create, same, update or replace one custom resource; the state is updated as each call succeeds. */
export async function registerCustom(calls: ProviderCalls, state: HarnessState, r: Identity, object: Props): Promise<ResourceState & { step: Step }> {
  const old = state.resources.get(r.urn);
  const inputs = await calls.check(r, old?.inputs ?? {}, object);
  const save = (id: string, outputs: Props) => {
    const next: ResourceState = { ...r, custom: true, id, inputs, outputs };
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
