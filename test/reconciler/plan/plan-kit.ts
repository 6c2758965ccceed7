import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Clients } from '../../../provider/openstack/openstack-client.ts';
import { ensureCreated } from '../../../provider/resources/ensure.ts';
import { isStampChange } from '../../../provider/resources/ownership.ts';
import type { DiffContext, Kind } from '../../../provider/resources/types.ts';
import { loadManifests, type LoadResult } from '../../../reconciler/manifests/index.ts';
import { manifestDigests } from '../../../reconciler/plan/manifest-digests.ts';
import type { ExecutablePlan, PlannedStep, RefResolver } from '../../../reconciler/plan/executable-plan.ts';
import { planStack } from '../../../reconciler/plan/plan-stack.ts';
import { stateOf, type StateView } from '../../../reconciler/plan/state-view.ts';
import type { ResourceRecord } from '../../../reconciler/state/state-model.ts';
import { redactForState } from '../../../reconciler/state/state-redact.ts';
import { openTestCloud, type TestCloud } from '../../helpers/test-cloud.ts';

/**
 * What the planner's end-to-end tests share: an engine (real HTTP), a
 * temp directory of manifests, an in-memory state (records as the state
 * store keeps them, secrets redacted) and a deliberately small executor
 * that applies a plan with the handlers, in the plan's order, the way the
 * real executor does (adopt is not needed: nothing here is interrupted).
 */

export interface PlanKit {
  readonly cloud: TestCloud;
  readonly api: Clients;
  readonly stack: string;
  readonly dir: string;
  readonly records: Map<string, ResourceRecord>;
  readonly state: StateView;
  /** Writes files (relative to dir); a null content removes the file. */
  write(files: Record<string, string | null>): Promise<void>;
  load(): Promise<LoadResult>;
  plan(options?: { prune?: boolean }): Promise<ExecutablePlan>;
  apply(executable: ExecutablePlan): Promise<void>;
  /** Engine requests since the last call, as `METHOD path` without query. */
  requestsSince(mark: number): string[];
  requestMark(): number;
  close(): Promise<void>;
}

export function sshPublicKey(comment = 'plan-test'): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]).toString('base64')} ${comment}`;
}

/** A YAML manifest document. */
export function doc(kind: Kind, name: string, spec: string, extra = ''): string {
  return `apiVersion: novaform/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${extra}spec:\n${spec.split('\n').filter(Boolean).map((l) => `  ${l}`).join('\n')}\n`;
}

export async function openPlanKit(name: string, engineConfig?: Record<string, unknown>): Promise<PlanKit> {
  const cloud = await openTestCloud({ name, engineConfig });
  if (!cloud.engine) throw new Error('the planner tests read the engine request log: run them against the engine');
  const api = cloud.admin;
  const dir = await mkdtemp(join(tmpdir(), `novaform-plan-${name}-`));
  const records = new Map<string, ResourceRecord>();
  const state: StateView = { get: (kind, n) => records.get(`${kind}/${n}`), resources: () => [...records.values()] };
  const stack = `st-${name}`;
  const context = (lastApplied?: unknown): DiffContext => ({ computeAtLeast: (a, b) => api.computeVersion.atLeast(a, b), lastApplied });
  const log = cloud.engine.engine.requestLog;

  const kit: PlanKit = {
    cloud, api, stack, dir, records, state,
    async write(files) {
      for (const [file, text] of Object.entries(files)) {
        const path = join(dir, file);
        if (text === null) await rm(path, { force: true });
        else {
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, text);
        }
      }
    },
    load: () => loadManifests(['.'], { cwd: dir }),
    async plan(options = {}) {
      const loaded = await kit.load();
      if (loaded.errors.length > 0) throw new Error(`invalid test manifests: ${JSON.stringify(loaded.errors)}`);
      return planStack({
        documents: loaded.manifests, unresolvedRefs: loaded.unresolvedRefs, stack, clients: api, state: stateOf([...records.values()]),
        cloudName: 'test', prune: options.prune, manifestDigests: await manifestDigests(loaded.files, dir),
      });
    },
    async apply(executable) {
      const ids = new Map<string, string>();
      for (const step of executable.steps) await applyStep(step);
      async function applyStep(step: PlannedStep): Promise<void> {
        const { kind, name: n, action } = step.resource;
        const key = `${kind}/${n}`;
        const resolve: RefResolver = (k, m) => ({ id: ids.get(`${k}/${m}`) ?? records.get(`${k}/${m}`)?.cloudId, name: m });
        const remember = (cloudId: string, spec: unknown) => {
          ids.set(key, cloudId);
          records.set(key, { id: key, kind, name: n, cloudId, lastApplied: redactForState(spec), deletionPolicy: step.resource.deletionPolicy, updatedAt: new Date().toISOString() });
        };
        if (action === 'noop') {
          // A retained prune keeps its record: it is what stops the next plan from deleting it.
          ids.set(key, step.resource.id!);
          return;
        }
        if (action === 'delete') {
          await step.handler.delete(api, step.observed!);
          records.delete(key);
          return;
        }
        const spec = step.buildSpec!(resolve);
        if (action === 'replace') await step.handler.delete(api, step.observed!);
        if (action === 'create' || action === 'replace') {
          // Like the executor: create once, then stamp and converge what create leaves out (volumes, power).
          remember((await ensureCreated(step.handler, api, step.owner, spec)).id, spec);
          return;
        }
        const current = step.handler.restamp && step.changes.some(isStampChange) ? await step.handler.restamp(api, step.observed!, step.owner) : step.observed!;
        const changes = step.handler.diff(spec, current, context(step.lastApplied));
        const updated = changes.length > 0 ? await step.handler.update(api, current, spec, changes) : current;
        remember(updated.id, spec);
      }
    },
    requestMark: () => log.length,
    requestsSince: (mark) => log.slice(mark).map((e) => `${e.method} ${e.url.split('?')[0]}`),
    async close() {
      await cloud.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return kit;
}
