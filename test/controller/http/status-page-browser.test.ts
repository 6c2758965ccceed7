import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { startControllerHttp } from '../../../controller/http/controller-http.ts';
import { ControllerMetrics } from '../../../controller/metrics.ts';
import { InMemoryView } from './in-memory-view.ts';

/** Debian's `chromium` (or `CHROMIUM=/path`), installed by `.ci/run`'s install step. */
function findChromium(): string | undefined {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

const chromium = findChromium();
// Off CI a machine without chromium skips with a reason; on CI its absence is a failure, never a silent pass.
const skip = chromium || process.env.CI ? false : 'chromium is not installed (apt-get install chromium); this test fails instead when CI is set';

/** Loads `url` in headless Chromium and returns the DOM after scripts ran, and what Chromium logged. */
async function dumpDom(url: string): Promise<{ dom: string; log: string }> {
  assert.ok(chromium, 'chromium is required on CI (apt-get install chromium)');
  // A profile of its own: helpers and test files may run Chromium at the same time.
  const profile = await mkdtemp(join(tmpdir(), 'novaform-chromium-'));
  try {
    return await new Promise((resolve, reject) => {
      execFile(
        chromium,
        ['--headless', '--no-sandbox', '--disable-gpu', '--enable-logging=stderr', `--user-data-dir=${profile}`, '--dump-dom', '--virtual-time-budget=3000', url],
        { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => (error ? reject(new Error(`chromium failed: ${error.message}\n${stderr.slice(-2000)}`)) : resolve({ dom: stdout, log: stderr })),
      );
    });
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

async function loadPage(allowUiApprove: boolean): Promise<{ dom: string; log: string }> {
  const view = new InMemoryView();
  view.publish({ level: 'info', reason: 'PassFinished', message: 'pass finished: 0 changed' });
  view.publish({ level: 'warn', reason: 'ApprovalNeeded', key: 'Server/web', message: 'resize of Server/web waits for approval' });
  const http = await startControllerHttp({ host: '127.0.0.1', port: 0, view, metrics: new ControllerMetrics(), allowUiApprove });
  try {
    return await dumpDom(`${http.url}/`);
  } finally {
    await http.close();
  }
}

describe('the status page in headless Chromium', { skip }, () => {
  it('shows the resources and their phases, the approval without a button, the events and the graph', async () => {
    const { dom, log } = await loadPage(false);
    for (const [key, phase] of [['Flavor/m1.small', 'Ready'], ['Keypair/deploy', 'Ready'], ['Volume/data', 'Drifted'], ['Server/web', 'ApprovalNeeded']]) {
      assert.match(dom, new RegExp(`<tr data-key="${key}" data-phase="${phase}">`), key);
    }
    assert.match(dom, /<div class="approval" data-key="Server\/web" data-fingerprint="fp-resize-1">/);
    assert.doesNotMatch(dom, /<button/);
    assert.match(dom, /<tr data-seq="2" data-level="warn">.*resize of Server\/web waits for approval/);
    // The SVG parsed as SVG inside HTML: Chromium re-serialises it with the nodes in place.
    const svg = /<svg[^>]*class="novaform-graph"[^]*?<\/svg>/.exec(dom)?.[0] ?? '';
    assert.equal(svg.match(/<g class="node"/g)?.length, 4, 'four graph nodes');
    assert.equal(svg.match(/<line class="edge"/g)?.length, 3, 'three edges');
    assert.doesNotMatch(log, /Content Security Policy/);
  });

  it('shows the Approve button, and its script runs under the page’s CSP, only with --allow-ui-approve', async () => {
    const { dom, log } = await loadPage(true);
    assert.match(dom, /<button type="button" class="approve" data-key="Server\/web" data-fingerprint="fp-resize-1" data-action="resize">Approve<\/button>/);
    assert.match(dom, /<html lang="en" data-approve="ready">/, 'the approve script ran');
    assert.doesNotMatch(log, /Content Security Policy/);
  });
});
