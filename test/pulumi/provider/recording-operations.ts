/**
 * A test-only ResourceOperations: it stands in for the lead's real
 * operations (the kind modules through the stack session), which come in a
 * later merge. It records every call and answers with fixed, predictable
 * data so the tests can check what the gRPC server hands over and sends back.
 */
import type { CheckFailure, DiffResult, ResourceOperations } from '../../../pulumi/provider/resource-operations.ts';
import { UNKNOWN } from '../../../pulumi/provider/struct-values.ts';

export const FLAVOR = 'novaform:index:Flavor';
export const SERVER = 'novaform:index:Server';

export interface Call {
  readonly method: string;
  readonly args: readonly unknown[];
}

export class RecordingOperations implements ResourceOperations {
  readonly calls: Call[] = [];
  /** Objects "in the cloud", by id. */
  readonly objects = new Map<string, Record<string, unknown>>();
  /** What the next diff answers. */
  diffResult: DiffResult = { changes: false, replaces: [], deleteBeforeReplace: false, detailedDiff: {}, diffs: [], notes: [] };

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }

  callsOf(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  async checkConfig(news: Record<string, unknown>) {
    this.record('checkConfig', news);
    const failures: CheckFailure[] = [];
    if (news.cloud !== undefined && typeof news.cloud !== 'string') failures.push({ property: 'cloud', reason: 'cloud must be the name of a cloud in clouds.yaml' });
    return { inputs: news, failures };
  }

  async configure(config: Record<string, unknown>) {
    this.record('configure', config);
  }

  async check(type: string, urn: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    this.record('check', type, urn, olds, news);
    const failures: CheckFailure[] = [];
    if (type === FLAVOR && typeof news.vcpus !== 'number') failures.push({ property: 'vcpus', reason: 'vcpus must be an integer >= 1' });
    return { inputs: type === FLAVOR ? { isPublic: true, ...news } : news, failures };
  }

  async diff(type: string, urn: string, id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    this.record('diff', type, urn, id, olds, news);
    return this.diffResult;
  }

  async create(type: string, urn: string, inputs: Record<string, unknown>, preview: boolean) {
    this.record('create', type, urn, inputs, preview);
    if (inputs.name === 'boom') throw new Error('Quota exceeded for cores: Requested 64, but already used 0 of 20 cores\n    at fake (stack.ts:1:1)');
    if (preview) return { id: '', outputs: { ...inputs, id: UNKNOWN } };
    const id = `id-${String(inputs.name)}`;
    const outputs = { ...inputs, id, ...(type === SERVER ? { adminPass: 'generated-pw' } : {}) };
    this.objects.set(id, outputs);
    return { id, outputs };
  }

  async read(type: string, urn: string, id: string, inputs: Record<string, unknown> | undefined) {
    this.record('read', type, urn, id, inputs);
    const outputs = this.objects.get(id);
    if (outputs === undefined) return undefined;
    const { id: _id, adminPass: _pw, ...rest } = outputs;
    return { id, outputs, inputs: inputs ?? rest, notes: [] };
  }

  async update(type: string, urn: string, id: string, olds: Record<string, unknown>, news: Record<string, unknown>, preview: boolean) {
    this.record('update', type, urn, id, olds, news, preview);
    const outputs = { ...olds, ...news, id };
    if (!preview) this.objects.set(id, outputs);
    return { outputs };
  }

  async delete(type: string, urn: string, id: string, outputs: Record<string, unknown>) {
    this.record('delete', type, urn, id, outputs);
    this.objects.delete(id);
  }

  secretOutputs(type: string): readonly string[] {
    return type === SERVER ? ['adminPass', 'userData'] : [];
  }

  async close() {
    this.record('close');
  }
}
