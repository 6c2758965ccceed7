import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderStatusPage } from '../../../controller/http/status-page.ts';
import { InMemoryView, resource, sampleStatus } from './in-memory-view.ts';

const events = () => {
  const view = new InMemoryView();
  view.publish({ level: 'info', reason: 'PassStarted', message: 'first' });
  view.publish({ level: 'warn', reason: 'ApprovalNeeded', key: 'Server/web', message: 'resize waits' });
  view.publish({ level: 'error', reason: 'Failed', key: 'Volume/data', message: 'last' });
  return view.log;
};

describe('renderStatusPage', () => {
  it('is a complete page that refreshes itself, with stack, cloud, source and manifests', () => {
    const html = renderStatusPage({ status: sampleStatus(), events: events(), allowUiApprove: false });
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">/);
    assert.match(html, /<\/body><\/html>$/);
    assert.ok(html.includes('<meta http-equiv="refresh" content="5">'));
    assert.ok(html.includes('<span id="stack">quickstart</span>'));
    assert.ok(html.includes('<dd id="cloud">engine</dd>'));
    assert.ok(html.includes('<section id="source" data-type="paths">') && html.includes('<code>examples/quickstart</code>'));
    assert.ok(html.includes('<section id="manifests" data-valid="true">'));
    assert.ok(!html.includes('badge-suspended') && !html.includes('badge-dry-run'));
  });

  it('shows one row per resource with its phase, three conditions, last error, last sync and short digest', () => {
    const status = sampleStatus({
      resources: [
        resource('Server/web', 'BackingOff', { lastError: { message: 'No valid host was found.', at: '2026-01-02T03:04:06.000Z', terminal: false, requestId: 'req-1234' }, retryAt: '2026-01-02T03:05:00.000Z' }),
        resource('Flavor/m1.small', 'Ready'),
      ],
    });
    const html = renderStatusPage({ status, events: [], allowUiApprove: false });
    const row = /<tr data-key="Server\/web" data-phase="BackingOff">.*?<\/tr>/.exec(html)![0];
    assert.ok(row.includes('<td class="kind">Server</td><td class="name">web</td>'));
    for (const type of ['Ready', 'Reconciling', 'Stalled']) assert.ok(row.includes(`data-condition="${type}" data-status="False"`), type);
    assert.ok(row.includes('No valid host was found.') && row.includes('req-1234') && row.includes('retry <time'));
    assert.ok(row.includes('<td class="last-sync"><time datetime="2026-01-02T03:04:05.000Z">'));
    assert.ok(row.includes('>sha256:0123456789ab</code>'));
    assert.match(html, /<tr data-key="Flavor\/m1.small" data-phase="Ready">.*data-condition="Ready" data-status="True"/);
  });

  it('lists approvals with action, reasons and changes; the Approve button and its script only when allowed', () => {
    const off = renderStatusPage({ status: sampleStatus(), events: [], allowUiApprove: false });
    const approval = /<div class="approval" data-key="Server\/web" data-fingerprint="fp-resize-1">.*?<\/div>/.exec(off)![0];
    assert.ok(approval.includes('<strong class="action">resize</strong>'));
    assert.ok(approval.includes('<span class="badge bad">resize</span>'));
    assert.ok(approval.includes('<td><code>spec.flavor</code></td><td><code>m1.large</code></td><td><code>m1.small</code></td>'));
    assert.ok(approval.includes('novaform approve Server/web'));
    assert.ok(!off.includes('<button') && !off.includes('<script'));

    const on = renderStatusPage({ status: sampleStatus(), events: [], allowUiApprove: true });
    assert.equal(on.match(/<button type="button" class="approve"/g)!.length, 1);
    assert.ok(on.includes("fetch('/approve', { method: 'POST', headers: { 'content-type': 'application/json' }"));
  });

  it('shows events newest first', () => {
    const html = renderStatusPage({ status: sampleStatus(), events: events(), allowUiApprove: false });
    assert.deepEqual([...html.matchAll(/<tr data-seq="(\d+)"/g)].map((m) => Number(m[1])), [3, 2, 1]);
  });

  it('embeds the dependency graph as inline SVG', () => {
    const html = renderStatusPage({ status: sampleStatus(), events: [], allowUiApprove: false });
    const svg = /<section id="graph">.*?(<svg .*?<\/svg>)/s.exec(html)![1]!;
    assert.equal(svg.match(/<g class="node"/g)!.length, 4);
    assert.ok(svg.includes('data-key="Server/web" data-phase="ApprovalNeeded" data-layer="1"'));
  });

  it('shows a git source with its applied and failed revisions, invalid manifests and the badges', () => {
    const status = sampleStatus({
      suspended: true,
      dryRun: true,
      prune: false,
      leader: false,
      source: { type: 'git', url: 'file:///srv/infra.git', branch: 'main', path: 'infra/', lastAppliedRevision: 'a'.repeat(40), lastAttemptedRevision: 'b'.repeat(40), failedRevision: 'b'.repeat(40), lastError: 'schema error' },
      manifests: { valid: false, errors: ['infra/web.yaml:3:7: spec.flavor must be string'], documents: 4 },
    });
    const html = renderStatusPage({ status, events: [], allowUiApprove: false });
    assert.ok(html.includes(`<dd id="git-applied"><code>${'a'.repeat(40)}</code></dd>`));
    assert.ok(html.includes(`<dd id="git-failed" class="bad"><code>${'b'.repeat(40)}</code></dd>`));
    assert.ok(html.includes('<section id="manifests" data-valid="false">'));
    assert.ok(html.includes('<li><code>infra/web.yaml:3:7: spec.flavor must be string</code></li>'));
    for (const id of ['badge-suspended', 'badge-dry-run', 'badge-no-prune', 'badge-standby']) assert.ok(html.includes(`id="${id}"`), id);
  });

  it('escapes every value: a resource named <script> renders as text', () => {
    const evil = '<script>alert(1)</script>';
    const status = sampleStatus({
      stack: `${evil}"'&`,
      resources: [
        resource(`Server/${evil}`, 'ApprovalNeeded', {
          lastError: { message: `<img src=x onerror=alert(2)>`, at: 'x', terminal: true },
          approval: { action: 'delete', reasons: [evil], changes: [{ path: evil, from: { a: evil }, to: undefined }], fingerprint: `"><script>`, since: 'x' },
        }),
      ],
    });
    const html = renderStatusPage({ status, events: [{ seq: 1, time: 't', level: 'info', reason: evil, key: evil, message: evil }], allowUiApprove: true });
    assert.equal(html.match(/<script/g)!.length, 1, 'only the page’s own script');
    assert.ok(!html.includes('<img'));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;'));
    assert.ok(html.includes('data-key="Server/&lt;script&gt;alert(1)&lt;/script&gt;"'));
    assert.ok(html.includes('data-fingerprint="&quot;&gt;&lt;script&gt;"'));
  });

  it('is deterministic', () => {
    const input = { status: sampleStatus(), events: events(), allowUiApprove: true };
    assert.equal(renderStatusPage(input), renderStatusPage(input));
  });
});
