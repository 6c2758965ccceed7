import type { JsonSchema } from '../../schemas/bundle.ts';
import { kindSchema, KINDS, type SchemaKind } from '../../schemas/index.ts';
import type { AnyKindModule } from '../../provider/resources/kind.ts';
import { KIND_MODULES } from '../../provider/resources/registry.ts';
import { isSecretField } from '../../reconciler/state/state-redact.ts';
import { mapProperty, pascal, resolveRefs, SchemaMappingError, type MappingContext } from './json-schema-mapping.ts';
import type { ObjectTypeSpec, PropertySpec, PulumiPackageSchema, ResourceSpec } from './schema-types.ts';

/**
 * The Pulumi package schema of novaform (what the plugin's GetSchema
 * returns), generated from the manifest JSON Schemas in `schemas/` and the
 * kind registry: one resource per kind, `novaform:index:<Kind>`, whose
 * inputs are the kind's spec fields plus `name`.
 *
 * Left out on purpose: `deletionPolicy`, `managementPolicy` and `import`
 * (Pulumi has its own `retainOnDelete` and `import` resource options, and
 * what Pulumi manages it manages). No property carries
 * `willReplaceOnChanges`: whether a change replaces depends on old and new
 * values (a new key comment is no change, dropping a volume's `image` is
 * none either), so Diff decides at run time.
 */

export const PACKAGE_NAME = 'novaform';
const TOKEN_PREFIX = `${PACKAGE_NAME}:index:`;

/** Manifest spec fields that are not Pulumi inputs (see above). */
export const NOT_PULUMI_INPUTS: readonly string[] = ['deletionPolicy', 'managementPolicy', 'import'];

/** The Pulumi type token of a kind: `novaform:index:Flavor`. */
export function resourceToken(kind: string): string {
  return `${TOKEN_PREFIX}${kind}`;
}

const CONFIG: Readonly<Record<string, PropertySpec>> = {
  cloud: {
    type: 'string',
    description: 'The cloud to manage: an entry of clouds.yaml (as `OS_CLOUD` names one), or `embedded` for novaform\'s embedded engine. Unset: the environment decides, as for every OpenStack tool (`OS_CLOUD`, else the `OS_*` variables).',
  },
  stack: {
    type: 'string',
    description: 'The novaform stack the resources belong to: the ownership stamp (`novaform:stack`) they carry in the cloud and the state they are recorded in.',
  },
  stateDir: {
    type: 'string',
    description: 'The directory that holds novaform\'s `.novaform` state directory. Default: the Pulumi program\'s directory.',
  },
  backend: {
    type: 'string',
    description: 'Where the stack\'s state and lock live: `files` (under `stateDir`) or a shared PostgreSQL database, `postgres://USER@HOST[:PORT]/DATABASE` (the password from PGPASSWORD or ~/.pgpass, never here). Unset: `NOVAFORM_BACKEND`, else files.',
  },
};

const CLOUD_ID: PropertySpec = { type: 'string', description: 'The object\'s id in the cloud (a keypair\'s id is its name).' };
const STATUS: PropertySpec = { type: 'string', description: 'The object\'s status as the cloud reported it when last read (e.g. ACTIVE, available).' };

/**
 * The package schema for plugin version `version`. Pure and deterministic:
 * the same version gives the same object (and the same JSON).
 *
 * @example
 * packageSchema('0.1.0').resources['novaform:index:Flavor'].requiredInputs // ['vcpus', 'ram', 'disk']
 */
export function packageSchema(version: string): PulumiPackageSchema {
  const types = new Map<string, ObjectTypeSpec>();
  const resources: Record<string, ResourceSpec> = {};
  for (const module of KIND_MODULES) resources[resourceToken(module.kind)] = kindResource(module, types);
  const sortedTypes: Record<string, ObjectTypeSpec> = {};
  for (const token of [...types.keys()].sort()) sortedTypes[token] = types.get(token)!;
  return {
    name: PACKAGE_NAME,
    version,
    displayName: 'novaform',
    description: 'OpenStack Compute (flavors, keypairs, volumes, aggregates, server groups, servers) with novaform\'s plan semantics, safe creates and ownership rules.',
    keywords: ['pulumi', 'openstack', 'nova', 'category/cloud', 'kind/native'],
    license: 'Apache-2.0',
    config: { variables: CONFIG },
    provider: {
      description: 'The novaform provider: which cloud, which novaform stack, where its state lives.',
      inputProperties: CONFIG,
      requiredInputs: [],
      properties: CONFIG,
      required: [],
    },
    resources,
    types: sortedTypes,
    language: { nodejs: { packageName: PACKAGE_NAME, packageDescription: 'novaform\'s kinds as Pulumi resources', dependencies: {} } },
  };
}

/**
 * `packageSchema(version)` as GetSchema sends it and as
 * `pulumi/schema/novaform.pulumi.json` is committed: two-space JSON and a newline.
 *
 * @example
 * JSON.parse(packageSchemaJson('0.1.0')).name // 'novaform'
 */
export function packageSchemaJson(version: string): string {
  return `${JSON.stringify(packageSchema(version), null, 2)}\n`;
}

function kindResource(module: AnyKindModule, types: Map<string, ObjectTypeSpec>): ResourceSpec {
  const kind = module.kind;
  if (!(KINDS as readonly string[]).includes(kind)) throw new SchemaMappingError(`kind ${kind} is registered but has no schema in schemas/`);
  const root = kindSchema(kind as SchemaKind);
  const defs = root.$defs as Record<string, JsonSchema>;
  const kindDoc = resolveRefs(defs[kind], `#/$defs/${kind}`, root);
  const spec = resolveRefs((kindDoc.properties as JsonSchema).spec, `#/$defs/${kind}/properties/spec`, root);
  const context: MappingContext = { root, types, tokenPrefix: TOKEN_PREFIX, isSecret: isSecretField };

  const specFields = Object.entries((spec.properties ?? {}) as JsonSchema).filter(([field]) => !NOT_PULUMI_INPUTS.includes(field));
  const clash = specFields.find(([field]) => ['name', 'cloudId', 'status'].includes(field));
  if (clash) throw new SchemaMappingError(`${kind}: spec field '${clash[0]}' clashes with the Pulumi property of that name`);
  const inputs: Record<string, PropertySpec> = { name: nameProperty(kindDoc, root) };
  for (const [field, node] of specFields) {
    inputs[field] = mapProperty(node, field, `${kind}${pascal(field)}`, `#/$defs/${kind}/properties/spec/properties/${field}`, context);
  }
  const requiredInputs = Array.isArray(spec.required) ? spec.required.map(String).filter((f) => f in inputs) : [];

  // A kind with a health check for drift is one whose cloud object has a status that decides it.
  const hasStatus = typeof module.health === 'function';
  const outputs: Record<string, PropertySpec> = { ...inputs, cloudId: CLOUD_ID, ...(hasStatus ? { status: STATUS } : {}) };
  const description = [kindDoc.description, spec.description].filter((d) => typeof d === 'string').join(' ');
  return {
    description,
    inputProperties: inputs,
    requiredInputs,
    properties: outputs,
    required: [...new Set(['name', ...requiredInputs, 'cloudId', ...(hasStatus ? ['status'] : [])])],
  };
}

/** `name`: the envelope's name rules, plus what the kind's schema adds to them (a keypair's characters). */
function nameProperty(kindDoc: JsonSchema, root: JsonSchema): PropertySpec {
  const rules = resolveRefs({ $ref: '#/$defs/envelope/$defs/name' }, '#/$defs/envelope/$defs/name', root).description;
  const metadata = (kindDoc.properties as JsonSchema).metadata as JsonSchema;
  const own = ((metadata.properties ?? {}) as JsonSchema).name as JsonSchema | undefined;
  const text = [rules, 'Default: the Pulumi resource\'s name.', own?.description].filter((t) => typeof t === 'string');
  return { type: 'string', description: text.join(' ') };
}

/**
 * The properties of `kind`'s resource that are secrets in and out (the
 * schema marks them; `userData` for Server). The plugin sends them as
 * secrets and the SDK registers them as additional secret outputs: one
 * rule for both.
 *
 * @example
 * secretProperties(packageSchema('0.1.0'), 'Server') // ['userData']
 */
export function secretProperties(schema: PulumiPackageSchema, kind: string): string[] {
  const resource = schema.resources[resourceToken(kind)];
  return Object.entries(resource?.properties ?? {}).filter(([, property]) => property.secret === true).map(([field]) => field);
}
