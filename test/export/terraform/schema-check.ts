import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Checks an exported Terraform JSON configuration against the facts in
 * provider-schema.json (terraform-provider-openstack's schema, read from its
 * source): every resource type and attribute exists, is settable (not
 * computed-only), has a compatible value type, required attributes are
 * present; every `${type.name.attr}` reference, `${var.x}`, import block
 * target and ignore_changes entry points at something that exists; the
 * provider is pinned to the release the facts were read from. Returns the
 * problems, one line each (none: the configuration is consistent with the
 * schema). This is what stands in for `terraform validate`, which needs the
 * provider plugin (not downloadable here).
 */

export interface AttributeFact {
  readonly type: string;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly forceNew?: boolean;
  readonly maxItems?: number;
  readonly enum?: readonly string[];
  readonly block?: Readonly<Record<string, AttributeFact>>;
}

export interface ProviderSchema {
  readonly provenance: { readonly repository: string; readonly tag: string; readonly commit: string };
  readonly provider: { readonly attributes: Readonly<Record<string, AttributeFact>> };
  readonly resources: Readonly<Record<string, { readonly file: string; readonly importId: string; readonly attributes: Readonly<Record<string, AttributeFact>> }>>;
}

/** The schema copy beside this file. */
export function providerSchema(): ProviderSchema {
  return JSON.parse(readFileSync(join(import.meta.dirname, 'provider-schema.json'), 'utf8')) as ProviderSchema;
}

/** Terraform meta-arguments and cdktf's comment key: not provider attributes. */
const META = new Set(['//', 'lifecycle', 'depends_on', 'count', 'for_each', 'provider', 'provisioner', 'connection']);
const TOKEN = /^\$\{([^}]*)\}$/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The problems of `config` against `schema`.
 *
 * @example
 * checkConfiguration(JSON.parse(readFileSync('tf/cdk.tf.json', 'utf8')), providerSchema()) // []
 */
export function checkConfiguration(config: Record<string, Json>, schema: ProviderSchema): string[] {
  const problems: string[] = [];
  const resources = isObject(config.resource) ? config.resource : {};
  const variables = isObject(config.variable) ? config.variable : {};
  const addresses = new Set(Object.entries(resources).flatMap(([type, byName]) => Object.keys(isObject(byName) ? byName : {}).map((name) => `${type}.${name}`)));

  const checkToken = (where: string, text: string, expected: string) => {
    const match = TOKEN.exec(text);
    if (!match) return false;
    const parts = match[1]!.split('.');
    if (parts[0] === 'var') {
      if (parts.length !== 2 || !(parts[1]! in variables)) problems.push(`${where}: \${${match[1]}} names no declared variable`);
      return true;
    }
    const [type, name, attribute, ...rest] = parts;
    if (rest.length > 0 || attribute === undefined) problems.push(`${where}: \${${match[1]}} is not a type.name.attribute reference`);
    else if (!addresses.has(`${type}.${name}`)) problems.push(`${where}: \${${match[1]}} refers to ${type}.${name}, which the configuration does not declare`);
    else {
      const fact = schema.resources[type!]?.attributes[attribute];
      if (!fact) problems.push(`${where}: \${${match[1]}}: ${type} has no attribute ${attribute}`);
      else if (fact.type !== expected && !(expected === 'int' && fact.type === 'string') && !(expected === 'string' && fact.type === 'int')) {
        problems.push(`${where}: \${${match[1]}} is ${fact.type}, the attribute takes ${expected}`);
      }
    }
    return true;
  };

  const checkValue = (where: string, fact: AttributeFact, value: Json) => {
    const scalar = (expected: string, ok: (v: Json) => boolean, v: Json, at: string) => {
      if (typeof v === 'string' && checkToken(at, v, expected)) return;
      if (!ok(v)) problems.push(`${at}: ${JSON.stringify(v)} is not a ${expected}`);
      else if (fact.enum && typeof v === 'string' && !fact.enum.includes(v)) problems.push(`${at}: ${JSON.stringify(v)} is not one of ${fact.enum.join(', ')}`);
    };
    const elements = (v: Json): Json[] | undefined => {
      if (!Array.isArray(v)) {
        problems.push(`${where}: expected a list, got ${JSON.stringify(v)}`);
        return undefined;
      }
      if (fact.maxItems !== undefined && v.length > fact.maxItems) problems.push(`${where}: ${v.length} items, at most ${fact.maxItems}`);
      return v;
    };
    switch (fact.type) {
      case 'string': return scalar('string', (v) => typeof v === 'string', value, where);
      case 'int': return scalar('int', (v) => Number.isInteger(v), value, where);
      case 'bool': return scalar('bool', (v) => typeof v === 'boolean', value, where);
      case 'map(string)':
        if (!isObject(value)) return problems.push(`${where}: expected a map of strings, got ${JSON.stringify(value)}`);
        for (const [k, v] of Object.entries(value)) scalar('string', (x) => typeof x === 'string', v, `${where}.${k}`);
        return;
      case 'set(string)':
      case 'list(string)':
        for (const [i, v] of (elements(value) ?? []).entries()) scalar('string', (x) => typeof x === 'string', v, `${where}[${i}]`);
        return;
      case 'set(block)':
      case 'list(block)':
        for (const [i, v] of (elements(value) ?? []).entries()) {
          if (!isObject(v)) problems.push(`${where}[${i}]: expected a block, got ${JSON.stringify(v)}`);
          else checkAttributes(`${where}[${i}]`, fact.block ?? {}, v);
        }
        return;
      default:
        problems.push(`${where}: the schema copy has an unknown type ${fact.type}`);
    }
  };

  const checkAttributes = (where: string, facts: Readonly<Record<string, AttributeFact>>, body: Record<string, Json>) => {
    for (const [name, value] of Object.entries(body)) {
      if (META.has(name)) continue;
      const fact = facts[name];
      if (!fact) problems.push(`${where}: no attribute named ${name}`);
      else if (fact.computed && !fact.optional && !fact.required) problems.push(`${where}.${name}: computed only, it cannot be set`);
      else checkValue(`${where}.${name}`, fact, value);
    }
    for (const [name, fact] of Object.entries(facts)) if (fact.required && !(name in body)) problems.push(`${where}: required attribute ${name} is missing`);
  };

  for (const [type, byName] of Object.entries(resources)) {
    const facts = schema.resources[type];
    if (!facts) {
      problems.push(`resource type ${type} is not in the schema copy`);
      continue;
    }
    for (const [name, body] of Object.entries(isObject(byName) ? byName : {})) {
      if (!isObject(body)) continue;
      checkAttributes(`${type}.${name}`, facts.attributes, body);
      const lifecycle = isObject(body.lifecycle) ? body.lifecycle : {};
      for (const [key, value] of Object.entries(lifecycle)) {
        if (key === 'prevent_destroy' || key === 'create_before_destroy') {
          if (typeof value !== 'boolean') problems.push(`${type}.${name}.lifecycle.${key}: not a bool`);
        } else if (key === 'ignore_changes') {
          for (const attribute of Array.isArray(value) ? value : []) {
            if (typeof attribute !== 'string' || !(attribute in facts.attributes)) problems.push(`${type}.${name}.lifecycle.ignore_changes: no attribute named ${String(attribute)}`);
          }
        } else problems.push(`${type}.${name}.lifecycle: unknown argument ${key}`);
      }
    }
  }
  for (const [i, block] of (Array.isArray(config.import) ? config.import : []).entries()) {
    if (!isObject(block) || typeof block.to !== 'string' || !addresses.has(block.to)) problems.push(`import[${i}]: its target ${JSON.stringify(isObject(block) ? block.to : block)} is not a declared resource`);
    else if (typeof block.id !== 'string' || block.id === '') problems.push(`import[${i}]: no id`);
  }
  const providers = isObject(config.provider) ? config.provider : {};
  for (const [name, blocks] of Object.entries(providers)) {
    if (name !== 'openstack') problems.push(`provider ${name}: not terraform-provider-openstack`);
    for (const block of Array.isArray(blocks) ? blocks : []) if (isObject(block)) checkAttributes(`provider.${name}`, schema.provider.attributes, block);
  }
  const terraform = isObject(config.terraform) ? config.terraform : {};
  const pinned = isObject(terraform.required_providers) && isObject(terraform.required_providers.openstack) ? terraform.required_providers.openstack : {};
  if (pinned.source !== 'terraform-provider-openstack/openstack' || pinned.version !== schema.provenance.tag.replace(/^v/, '')) {
    problems.push(`terraform.required_providers.openstack: ${JSON.stringify(pinned)} is not pinned to the schema copy's release ${schema.provenance.tag}`);
  }
  return problems;
}
