import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { TestEngine } from '../../helpers/engine-harness.ts';
import { startTestEngine } from '../../helpers/engine-harness.ts';
import { TEST_CLOUD_ENV } from '../../helpers/test-cloud.ts';
import { ALLOWED_DIFFERENCES } from './differential-allowlist.ts';
import {
  compareOutcomes, formatDifference, isAllowed, maskMessage, outcomeOf, runWait, sendStep, stepsOf,
  type Difference, type Outcome, type Vars, type Versions,
} from './differential-kit.ts';
import { differentialSteps, RUNS } from './differential-steps.ts';
import { cloudCredentials, login, type Session } from './raw-cloud.ts';

/**
 * The differential test: the same scripted requests (differential-steps.ts)
 * to the engine, started in-process and set up like the real test cloud,
 * and to the real OpenStack named by NOVAFORM_TEST_CLOUD (clouds.yaml
 * entries <name> and <name>-demo), at compute 2.1, 2.53, 2.79 and 2.93.
 * Per step: status, error name and response key sets must agree, or the
 * difference must be in differential-allowlist.ts with its reason.
 *
 * NOVAFORM_DIFF_REPORT=<file> writes every difference found, and the
 * error messages that differ (not compared: informational) and every
 * step's statuses, as JSON;
 * NOVAFORM_DIFF_RUNS=2.1,2.93 runs only those microversions.
 */
const only = process.env.NOVAFORM_DIFF_RUNS?.split(',').map((s) => s.trim());
const runs = only ? RUNS.filter((r) => only.includes(r.compute)) : RUNS;

const cloud = process.env[TEST_CLOUD_ENV];
const skip = cloud ? false : `${TEST_CLOUD_ENV} is not set: the differential test needs a real cloud (CI: npm run test:differential after scripts/real-openstack/start.sh)`;

/** The engine as scripts/real-openstack sets the real cloud up: two fake-driver hosts, image cirros, no flavors, default quotas. */
async function startLikeRealCloud(): Promise<TestEngine> {
  const fakeHost = { vcpus: 1000, memoryMb: 800000, diskGb: 600000, cpuAllocationRatio: 16, ramAllocationRatio: 1.5, diskAllocationRatio: 1 };
  return startTestEngine({
    config: {
      hosts: [{ name: 'compute-1', ...fakeHost }, { name: 'compute-2', ...fakeHost }],
      images: [{ name: 'cirros', minRam: 0, minDisk: 0, size: 1048576, diskFormat: 'raw' }],
      flavors: [],
      faults: { buildDelayMs: 50 },
    },
  });
}

async function cirrosId(session: Session, imageBase: string): Promise<string> {
  const r = await session.request('compute', 'GET', `${imageBase}/v2/images?name=cirros`);
  const id = r.body?.images?.[0]?.id;
  if (!id) throw new Error(`no cirros image at ${imageBase}: ${r.status} ${r.text.slice(0, 200)}`);
  return id;
}

const rootOf = (url: string, strip: RegExp) => `${url.replace(strip, '')}/`;

describe('differential: engine vs real cloud', { skip }, () => {
  let engine: TestEngine;
  const targets: Record<'engine' | 'real', Vars[]> = { engine: [], real: [] };
  const found: Difference[] = [];
  /** Error messages that differ (reported, not failed: the brief compares names, not texts). */
  const messages: { step: string; mv: string; engine: string; real: string }[] = [];
  /** Every compared step's statuses, for the report. */
  const trace: { step: string; mv: string; engine: number; real: number; error?: string }[] = [];
  const stamp = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;

  async function varsFor(target: 'engine' | 'real', mv: Versions): Promise<Vars> {
    let admin: Session;
    let demo: Session;
    let imageBase: string;
    if (target === 'engine') {
      const password = (user: string) => engine.engine.config.users.find((u) => u.name === user)!.password;
      admin = await login({ authUrl: engine.engine.authUrl, username: 'admin', password: password('admin'), projectName: 'admin' });
      demo = await login({ authUrl: engine.engine.authUrl, username: 'demo', password: password('demo'), projectName: 'demo' });
      imageBase = `${engine.url}/image`;
    } else {
      admin = await login(cloudCredentials(cloud!));
      demo = await login(cloudCredentials(`${cloud}-demo`));
      imageBase = 'http://127.0.0.1:9292';
    }
    const vars: Vars = {
      target,
      prefix: `nfd-${stamp}-${mv.compute.replace('.', '_')}`,
      admin, demo,
      imageId: await cirrosId(demo, imageBase),
      computeRoot: rootOf(admin.endpoints.compute, /\/v2(\.1)?\/?$/),
      volumeRoot: rootOf(admin.endpoints.volume, /\/v3\/[0-9a-f]+\/?$/),
      ids: {},
      saved: {},
    };
    targets[target].push(vars);
    return vars;
  }

  before(async () => {
    engine = await startLikeRealCloud();
  });

  after(async () => {
    for (const vars of targets.real) await sweep(vars).catch((error) => console.error(`cleanup of ${vars.prefix} failed: ${(error as Error).message}`));
    await engine?.close();
    if (process.env.NOVAFORM_DIFF_REPORT) writeFileSync(process.env.NOVAFORM_DIFF_REPORT, JSON.stringify({ differences: found, messages, trace }, null, 1));
  });

  for (const mv of runs) {
    it(`compute ${mv.compute} / volume ${mv.volume}: every difference is allowed`, { timeout: 15 * 60 * 1000 }, async (t) => {
      const [e, r] = await Promise.all([varsFor('engine', mv), varsFor('real', mv)]);
      const diffs: Difference[] = [];
      let compared = 0;
      for (const step of differentialSteps()) {
        if (step.when && !step.when(mv)) continue;
        let outcomes: [Outcome, Outcome];
        let dataMaps: string[] = [];
        if (step.kind === 'wait') {
          outcomes = await Promise.all([runWait(step, e, mv), runWait(step, r, mv)]);
        } else {
          const [re, rr] = await Promise.all([sendStep(step, e, mv), sendStep(step, r, mv)]);
          step.save?.(e, re);
          step.save?.(r, rr);
          if (step.compare === false) continue;
          outcomes = [outcomeOf(re), outcomeOf(rr)];
          dataMaps = step.dataMaps ?? [];
        }
        compared++;
        diffs.push(...compareOutcomes(step.name, mv.compute, outcomes[0], outcomes[1], dataMaps));
        const [oe, or] = outcomes;
        trace.push({ step: step.name, mv: mv.compute, engine: oe.status, real: or.status, error: or.error });
        if (oe.status === or.status && oe.message !== undefined && or.message !== undefined && maskMessage(oe.message, e) !== maskMessage(or.message, r)) {
          messages.push({ step: step.name, mv: mv.compute, engine: oe.message, real: or.message });
        }
      }
      found.push(...diffs);
      const unexpected = diffs.filter((d) => !isAllowed(d, ALLOWED_DIFFERENCES));
      t.diagnostic(`${compared} steps compared, ${diffs.length} differences, ${diffs.length - unexpected.length} allowed`);
      assert.deepEqual(unexpected.map(formatDifference), [], 'differences not in differential-allowlist.ts (fix the engine, or allow them with a reason)');
    });
  }

  it('every allow-list entry still shows', () => {
    const ran = new Set(runs.map((r) => r.compute));
    const stale: string[] = [];
    for (const a of ALLOWED_DIFFERENCES) {
      if (a.flaky) continue;
      for (const mv of a.mv === '*' ? [...ran] : a.mv.filter((v) => ran.has(v))) {
        for (const step of stepsOf(a)) {
          if (!found.some((d) => d.mv === mv && d.step === step && d.path === a.path && d.engine === a.engine && d.real === a.real)) stale.push(`[${mv}] ${step} :: ${a.path}`);
        }
      }
    }
    assert.deepEqual(stale, [], 'allow-list entries that no longer show: remove them (or narrow their steps and versions)');
  });
});

/** Deletes whatever a run left on the real cloud (servers, volumes, keypairs, server groups, flavors, aggregates with its prefix) and restores the demo quota. */
async function sweep(v: Vars): Promise<void> {
  const prefix = v.prefix;
  const servers = await v.demo.request('compute', 'GET', `/servers?name=${encodeURIComponent(`^${prefix}`)}`);
  for (const s of servers.body?.servers ?? []) await v.demo.request('compute', 'DELETE', `/servers/${s.id}`);
  const volumes = await v.demo.request('volume', 'GET', '/volumes');
  for (const vol of volumes.body?.volumes ?? []) {
    if (!String(vol.name ?? '').startsWith(prefix)) continue;
    await v.demo.request('volume', 'POST', `/volumes/${vol.id}/action`, { body: { 'os-detach': {} } });
    await v.demo.request('volume', 'DELETE', `/volumes/${vol.id}`);
  }
  const keypairs = await v.demo.request('compute', 'GET', '/os-keypairs');
  for (const k of keypairs.body?.keypairs ?? []) if (k.keypair.name.startsWith(prefix)) await v.demo.request('compute', 'DELETE', `/os-keypairs/${k.keypair.name}`);
  const aggregates = await v.admin.request('compute', 'GET', '/os-aggregates');
  for (const a of aggregates.body?.aggregates ?? []) {
    if (!String(a.name).startsWith(prefix)) continue;
    for (const host of a.hosts ?? []) await v.admin.request('compute', 'POST', `/os-aggregates/${a.id}/action`, { body: { remove_host: { host } } });
    await v.admin.request('compute', 'DELETE', `/os-aggregates/${a.id}`);
  }
  for (const [who, client] of [['demo', v.demo], ['admin', v.admin]] as const) {
    const groups = await client.request('compute', 'GET', '/os-server-groups');
    for (const g of groups.body?.server_groups ?? []) {
      if (String(g.name).startsWith(prefix)) await client.request('compute', 'DELETE', `/os-server-groups/${g.id}`).catch(() => console.error(`cleanup: server group ${g.id} (${who})`));
    }
  }
  // Servers first: a flavor in use can be deleted in Nova anyway, but wait so the hosts are free for the next run.
  for (let i = 0; i < 120; i++) {
    const left = await v.demo.request('compute', 'GET', `/servers?name=${encodeURIComponent(`^${prefix}`)}`);
    if (!(left.body?.servers ?? []).length) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const flavors = await v.admin.request('compute', 'GET', '/flavors/detail?is_public=None');
  for (const f of flavors.body?.flavors ?? []) if (String(f.id).startsWith(prefix)) await v.admin.request('compute', 'DELETE', `/flavors/${f.id}`);
  if (typeof v.saved.keyPairs === 'number') {
    await v.admin.request('compute', 'PUT', `/os-quota-sets/${v.demo.projectId}`, { body: { quota_set: { key_pairs: v.saved.keyPairs } } });
  }
}
