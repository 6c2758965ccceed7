import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Clients } from '../../../provider/openstack/openstack-client.ts';
import { applyPlan } from '../../../reconciler/apply/apply-plan.ts';
import type { ApplyResult } from '../../../reconciler/apply/apply-types.ts';
import { detectDrift } from '../../../reconciler/drift/detect-drift.ts';
import type { DriftReport } from '../../../reconciler/drift/drift-model.ts';
import { parseIgnoreRules } from '../../../reconciler/drift/ignore-rules.ts';
import { loadManifests, type LoadResult } from '../../../reconciler/manifests/index.ts';
import { planStack } from '../../../reconciler/plan/plan-stack.ts';
import type { StateView } from '../../../reconciler/plan/state-view.ts';
import { openState, type StateStore } from '../../../reconciler/state/state-store.ts';
import { openTestCloud, type TestCloud } from '../../helpers/test-cloud.ts';

/**
 * What the drift tests share: an engine (real HTTP), a temp directory of
 * manifests, a real state store under it, and the real planner and
 * executor, so a stack is applied exactly as `novaform apply` applies it
 * (ownership stamps included) before drift looks at it.
 */

export interface DriftKit {
  readonly cloud: TestCloud;
  readonly api: Clients;
  readonly stack: string;
  readonly dir: string;
  readonly state: StateStore;
  /** Writes files (relative to dir); a null content removes the file. */
  write(files: Record<string, string | null>): Promise<void>;
  load(): Promise<LoadResult>;
  /** Plans and applies the manifests with the real executor; throws when a step fails. */
  apply(): Promise<ApplyResult>;
  /** detectDrift over the manifests; `state` defaults to the kit's store (pass EMPTY_STATE for a fresh checkout), `stack` to the kit's. */
  drift(options?: { includeUnmanaged?: boolean; ignore?: string; state?: StateView; stack?: string }): Promise<DriftReport>;
  /** Engine requests since the mark, as `METHOD path` without query. */
  requestsSince(mark: number): string[];
  requestMark(): number;
  close(): Promise<void>;
}

/** Fast polls for the engine's short builds. */
const WAIT = { minIntervalMs: 20, maxIntervalMs: 200, timeoutMs: 60_000 };

/**
 * @example
 * const kit = await openDriftKit('fresh');
 * await kit.write({ 'web.yaml': doc('Server', 'web-1', 'flavor: m1\nimage: cirros\nnetworks: none') });
 * await kit.apply();
 * (await kit.drift()).inSync // true
 */
export async function openDriftKit(name: string): Promise<DriftKit> {
  const cloud = await openTestCloud({ name });
  if (!cloud.engine) throw new Error('the drift tests read the engine request log: run them against the engine');
  const dir = await mkdtemp(join(tmpdir(), `novaform-drift-${name}-`));
  const stack = `st-${name}`;
  const state = await openState(join(dir, '.novaform'), stack);
  const log = cloud.engine.engine.requestLog;

  const kit: DriftKit = {
    cloud, api: cloud.admin, stack, dir, state,
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
    async apply() {
      const loaded = await kit.load();
      assert.deepEqual(loaded.errors, []);
      const executable = await planStack({ documents: loaded.manifests, unresolvedRefs: loaded.unresolvedRefs, stack, clients: cloud.admin, state, cloudName: 'test' });
      const result = await applyPlan(executable, { state, wait: WAIT, retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 200 } });
      const failed = result.results.filter((r) => r.status !== 'done');
      assert.deepEqual(failed, [], 'every step of the apply succeeds');
      return result;
    },
    async drift(options = {}) {
      const loaded = await kit.load();
      assert.deepEqual(loaded.errors, []);
      return detectDrift({
        documents: loaded.manifests, unresolvedRefs: loaded.unresolvedRefs, stack: options.stack ?? stack, clients: cloud.admin, state: options.state ?? state,
        includeUnmanaged: options.includeUnmanaged, ignore: parseIgnoreRules(options.ignore ?? ''),
      });
    },
    requestMark: () => log.length,
    requestsSince: (mark) => log.slice(mark).map((e) => `${e.method} ${e.url.split('?')[0]}`),
    async close() {
      await state.close();
      await cloud.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return kit;
}
