import * as pulumi from '@pulumi/pulumi';

/**
 * Pulumi's own `setMocks` for the SDK's unit tests, plus a record of every
 * registration as the SDK sent it (the gRPC request the mock monitor gets:
 * type, name, inputs, parent, dependencies, additionalSecretOutputs,
 * version). The mock plays the provider's part the simplest way: outputs
 * are the inputs, `name` defaults to the resource's name, `cloudId` is
 * `<name>-id`, and every resource answers `status: 'MOCK'` (Pulumi keeps
 * only the outputs a resource registered, so only kinds with a status see it). The real provider's answers are tested in test/pulumi/provider.
 *
 * Mocks are process-wide: call `installMocks` once per test file (node:test
 * runs each file in its own process), before importing a program.
 */

export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  /** Deserialized inputs; a secret is `{ [specialSigKey]: specialSecretSig, value }`. */
  readonly inputs: Record<string, unknown>;
  readonly parent: string;
  readonly dependencies: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  readonly version: string;
}

interface MonitorRequest {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getObject(): Parameters<typeof pulumi.runtime.deserializeProperties>[0];
  getParent(): string;
  getDependenciesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getVersion(): string;
}

/**
 * Installs the mocks and returns the (growing) list of registrations.
 *
 * @example
 * const registrations = await installMocks();
 * await import('../../../examples/pulumi/program/index.ts');
 */
export async function installMocks(): Promise<Registration[]> {
  const registrations: Registration[] = [];
  await pulumi.runtime.setMocks({
    newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, name: args.inputs.name ?? args.name, cloudId: `${args.name}-id`, status: 'MOCK' } }),
    call: () => ({}),
  });
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: MonitorRequest, callback: unknown): Promise<void> };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    registrations.push({
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      inputs: pulumi.runtime.deserializeProperties(req.getObject()) as Record<string, unknown>,
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      version: req.getVersion(),
    });
    return register(req, callback);
  };
  return registrations;
}

/** Waits for Outputs (or promises) to resolve, as a program's exports do. */
export function settle<T>(value: pulumi.Input<T>): Promise<pulumi.Unwrap<T>> {
  return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v as pulumi.Unwrap<T>)));
}

/** True when `value` is a secret as the SDK serialized it. */
export function isSerializedSecret(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
}

/** The URN the mock monitor gives a top-level resource. */
export function mockUrn(type: string, name: string, parentType?: string): string {
  return `urn:pulumi:stack::project::${parentType ? `${parentType}$` : ''}${type}::${name}`;
}
