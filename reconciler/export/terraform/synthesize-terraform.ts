import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTerraformReference, isTerraformSecret, type TerraformValue } from '../../../provider/resources/terraform-mapping.ts';
import type { TerraformModel } from './terraform-model.ts';

/**
 * The model as Terraform JSON, synthesized by cdktf (App + TerraformStack;
 * no generated provider bindings, so every resource is a raw
 * `TerraformResource` whose attributes are set with `addOverride`). cdktf
 * is imported here, lazily: only `export terraform` loads it.
 */

/** terraform-provider-openstack, pinned to the release whose schema test/export/terraform/provider-schema.json records. */
export const OPENSTACK_PROVIDER = { source: 'terraform-provider-openstack/openstack', version: '3.4.0' } as const;

/** Import blocks need Terraform 1.5 or later. */
export const REQUIRED_TERRAFORM = '>= 1.5.0';

/** The file cdktf writes a stack's configuration to; `export terraform` writes it under the same name. */
export const CONFIG_FILE = 'cdk.tf.json';

export interface SynthesizeOptions {
  /** The stack's name: the TerraformStack's id. */
  readonly stack: string;
  /** The provider block's `cloud` (a clouds.yaml entry), or undefined: the provider reads OS_CLOUD / OS_* itself. */
  readonly cloud?: string;
}

/**
 * Synthesizes `model` and returns the configuration's text (cdktf's
 * `cdk.tf.json`). References become cdktf tokens
 * (`${openstack_compute_flavor_v2.small.id}`), secrets sensitive
 * variables, and every resource with an import id an `import` block.
 *
 * @example
 * const json = await synthesizeTerraform(model, { stack: 'quickstart' });
 */
export async function synthesizeTerraform(model: TerraformModel, options: SynthesizeOptions): Promise<string> {
  const { App, LocalBackend, TerraformResource, TerraformStack, TerraformVariable } = await import('cdktf');
  const outdir = await mkdtemp(join(tmpdir(), 'novaform-cdktf-'));
  try {
    // skipValidation: cdktf would run `terraform version` for the import blocks; the configuration says required_version instead.
    const app = new App({ outdir, skipValidation: true, stackTraces: false });
    const stack = new TerraformStack(app, options.stack);
    // A relative path: cdktf's default is an absolute one under the directory synth ran in.
    new LocalBackend(stack, { path: 'terraform.tfstate' });
    stack.addOverride('terraform.required_version', REQUIRED_TERRAFORM);
    stack.addOverride('terraform.required_providers', { openstack: { ...OPENSTACK_PROVIDER } });
    stack.addOverride('provider', { openstack: [options.cloud !== undefined ? { cloud: options.cloud } : {}] });

    const resources = new Map<string, InstanceType<typeof TerraformResource>>();
    for (const entry of model.entries) {
      for (const r of entry.resources) {
        resources.set(`${r.type}.${r.terraformName}`, new TerraformResource(stack, r.terraformName, { terraformResourceType: r.type }));
      }
    }
    const variables = new Map<string, InstanceType<typeof TerraformVariable>>();
    const value = (v: TerraformValue): unknown => {
      if (isTerraformReference(v)) {
        const { target, name, attribute } = v.$terraformReference;
        const main = model.resolve(target, name);
        if (!main) throw new Error(`a reference to ${target} ${name}, which no manifest of the export defines`);
        return resources.get(`${main.type}.${main.terraformName}`)!.getStringAttribute(attribute);
      }
      if (isTerraformSecret(v)) {
        const { variable, description } = v.$terraformSecret;
        let found = variables.get(variable);
        if (!found) {
          found = new TerraformVariable(stack, variable, { type: 'string', sensitive: true, description });
          variables.set(variable, found);
        }
        return found.stringValue;
      }
      if (Array.isArray(v)) return v.map(value);
      if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x as TerraformValue)]));
      return v;
    };
    for (const entry of model.entries) {
      for (const r of entry.resources) {
        const resource = resources.get(`${r.type}.${r.terraformName}`)!;
        for (const [name, v] of Object.entries(r.attributes)) if (v !== undefined) resource.addOverride(name, value(v));
        if (r.preventDestroy) resource.addOverride('lifecycle.prevent_destroy', true);
        if (r.ignoreChanges && r.ignoreChanges.length > 0) resource.addOverride('lifecycle.ignore_changes', [...r.ignoreChanges]);
        if (r.importId !== undefined) resource.importFrom(r.importId);
      }
    }
    app.synth();
    return await readFile(await stackFile(outdir), 'utf8');
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/** The one stack's configuration cdktf wrote (`stacks/<stack>/cdk.tf.json`). */
async function stackFile(outdir: string): Promise<string> {
  const stacks = await readdir(join(outdir, 'stacks'));
  if (stacks.length !== 1) throw new Error(`cdktf wrote ${stacks.length} stacks, expected 1`);
  return join(outdir, 'stacks', stacks[0]!, CONFIG_FILE);
}
