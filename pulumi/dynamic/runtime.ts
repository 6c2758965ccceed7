import type * as pulumi from '@pulumi/pulumi';
import type { Kind } from '../../provider/resources/types.ts';
import { packageVersion } from '../../schemas/package-files.ts';
import { CONFIG_KEYS, novaformOperations } from '../provider/novaform-operations.ts';
import type { ResourceOperations } from '../provider/resource-operations.ts';
import { UNKNOWN } from '../provider/struct-values.ts';
import { packageSchema, resourceToken } from '../schema/package-schema.ts';
import type { PulumiPackageSchema } from '../schema/schema-types.ts';
import type { KindProvider } from './serialized-provider.ts';

/**
 * `novaform/pulumi/dynamic/runtime`: what a dynamic resource's serialized
 * provider (serialized-provider.ts) loads in the dynamic-provider process.
 * It maps Pulumi's dynamic-provider calls onto the native plugin's
 * operations (pulumi/provider/novaform-operations.ts): the same checks,
 * plans, safe creates, ownership and stack session, nothing re-implemented.
 *
 * Rules:
 * - `kindOperations(kind, project, stack)` is called by the provider text
 *   stored in existing Pulumi states, which run whatever novaform is
 *   installed when they are used: its name, arguments and the methods it
 *   returns MUST NOT change incompatibly.
 * - One set of operations per process, shared by every kind and every
 *   serialized provider text (Pulumi deserializes one provider per text):
 *   one stack session, one stack lock, held until the process ends
 *   (SIGTERM / SIGINT close it, as the plugin does).
 * - Configuration comes from `configure(req)`: the stack's config, which
 *   3.248's engine hands to dynamic providers whole, namespaces kept. The
 *   keys are the plugin's (`novaform:cloud`, `novaform:stack`,
 *   `novaform:stateDir`, `novaform:backend`); OS_CLOUD / OS_* come from the environment. A bad
 *   setting fails every later call with the same one-line message: Pulumi
 *   caches a provider whose configure threw and would go on unconfigured.
 * - A dynamic provider is never told the URN or the type: the type is the
 *   captured kind, and the URN novaform's operations want (for the default
 *   stack name `<project>-<stack>` and messages) is rebuilt from the
 *   captured project and stack and the resource's `name` input, which the
 *   resource classes always set.
 * - `__provider` (the serialized text) is stripped from what novaform sees;
 *   the dynamic-provider process adds it back to every answer.
 * - Previews: an input that is not known yet (the unknown sentinel) is not
 *   validated, and a diff with one is left to the engine (`changes`
 *   undefined): novaform cannot plan against a value it does not have.
 */

const PROVIDER_KEY = '__provider';

let shared: ResourceOperations | undefined;
let configured: Promise<void> | undefined;
let schema: PulumiPackageSchema | undefined;

/** The process's operations, created on first use; the stack session is released when the process is told to stop. */
function operations(): ResourceOperations {
  if (shared) return shared;
  const created = novaformOperations({ cwd: process.cwd(), env: process.env, version: packageVersion(), log: (line) => process.stderr.write(`${line}\n`) });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void created.close().finally(() => process.exit(0));
    });
  }
  shared = created;
  return created;
}

function withoutProvider(props: Record<string, unknown> | undefined): Record<string, unknown> {
  const { [PROVIDER_KEY]: _provider, ...rest } = props ?? {};
  return rest;
}

function holdsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(holdsUnknown);
  return value !== null && typeof value === 'object' && Object.values(value).some(holdsUnknown);
}

/** The inputs a resource's outputs carry: the schema's input properties (outputs are the inputs plus `cloudId` and `status`). */
function inputsOf(kind: Kind, outputs: Record<string, unknown>): Record<string, unknown> {
  schema ??= packageSchema(packageVersion());
  const inputs = Object.keys(schema.resources[resourceToken(kind)]?.inputProperties ?? {});
  return Object.fromEntries(Object.entries(outputs).filter(([field]) => inputs.includes(field)));
}

/** Takes the stack config once per process; every call waits for it and fails with its error. */
function configureOnce(config: pulumi.dynamic.Config): Promise<void> {
  configured ??= (async () => {
    const values: Record<string, string> = {};
    for (const key of CONFIG_KEYS) {
      const value = config.get(`novaform:${key}`);
      if (value !== undefined && value !== '') values[key] = value;
    }
    const checked = await operations().checkConfig(values);
    if (checked.failures.length > 0) throw new Error(checked.failures.map((f) => `novaform:${f.property}: ${f.reason}`).join('; '));
    await operations().configure(values);
  })();
  return configured;
}

/**
 * The dynamic-provider methods for `kind`'s resources of Pulumi project
 * `project`, stack `stack`, on the process's one set of operations.
 *
 * @example
 * const provider = kindOperations('Flavor', 'web', 'dev');
 * await provider.configure({ config });
 * const { id, outs } = await provider.create({ name: 'small', vcpus: 1, ram: 512, disk: 1 });
 */
export function kindOperations(kind: Kind, project: string, stack: string): KindProvider {
  const type = resourceToken(kind);
  const urnOf = (props: Record<string, unknown>) => `urn:pulumi:${stack}::${project}::${type}::${typeof props.name === 'string' ? props.name : kind}`;
  const ready = async (): Promise<ResourceOperations> => {
    // Pulumi calls configure before any other method; without it (an engine that skipped Configure) the defaults apply.
    await (configured ?? Promise.resolve());
    return operations();
  };

  return {
    async configure(req) {
      await configureOnce(req.config);
    },
    async check(olds, news) {
      const inputs = withoutProvider(news);
      const result = await (await ready()).check(type, urnOf(inputs), withoutProvider(olds), inputs);
      const pending = Object.keys(inputs).filter((field) => holdsUnknown(inputs[field]));
      const failures = result.failures.filter((f) => !pending.some((field) => f.property === field || f.property.startsWith(`${field}.`) || f.property.startsWith(`${field}[`)));
      return { inputs: result.inputs, failures };
    },
    async diff(id, olds, news) {
      const inputs = withoutProvider(news);
      if (holdsUnknown(inputs)) return {};
      const result = await (await ready()).diff(type, urnOf(inputs), id, inputsOf(kind, withoutProvider(olds)), inputs);
      return { changes: result.changes, replaces: [...result.replaces], deleteBeforeReplace: result.deleteBeforeReplace };
    },
    async create(props) {
      const inputs = withoutProvider(props);
      const result = await (await ready()).create(type, urnOf(inputs), inputs, false);
      return { id: result.id, outs: result.outputs };
    },
    async read(id, props) {
      const state = withoutProvider(props);
      const result = await (await ready()).read(type, urnOf(state), id, inputsOf(kind, state));
      // An empty id tells the engine the object is gone.
      if (result === undefined) return { id: '', props: {} };
      return { id: result.id, props: result.outputs, inputs: result.inputs };
    },
    async update(id, olds, news) {
      const inputs = withoutProvider(news);
      const result = await (await ready()).update(type, urnOf(inputs), id, inputsOf(kind, withoutProvider(olds)), inputs, false);
      return { outs: result.outputs };
    },
    async delete(id, props) {
      const state = withoutProvider(props);
      await (await ready()).delete(type, urnOf(state), id, state);
    },
  };
}
