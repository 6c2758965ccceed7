import { createHash } from 'node:crypto';
import { graphOf, type Condition, type ConditionType, type ControllerEvent, type ControllerStatus, type ResourceStatus } from '../controller-model.ts';
import { escapeXml as esc } from './escape.ts';
import { PHASE_COLOURS, renderGraphSvg } from './graph-svg.ts';

export interface StatusPageInput {
  readonly status: ControllerStatus;
  /** Recent events, in any order: the page shows them newest first. */
  readonly events: readonly ControllerEvent[];
  /** `--allow-ui-approve`: draw the Approve buttons and the script that sends them. */
  readonly allowUiApprove: boolean;
}

/** The page reloads itself this often (a meta refresh: works without JavaScript). */
export const STATUS_PAGE_REFRESH_S = 5;

const CONDITIONS: readonly ConditionType[] = ['Ready', 'Reconciling', 'Stalled'];

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#202124}
h1{font-size:1.4em;margin:0 0 .3em}h2{font-size:1.1em;margin:1.4em 0 .4em}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid #e0e0e0;vertical-align:top}
th{background:#f8f9fa}code{font-size:.9em}.muted{color:#5f6368}
.badge{display:inline-block;padding:0 .5em;border-radius:.8em;border:1px solid;font-size:.85em;margin-right:.3em}
.bad{color:#b3261e}.ok{color:#1e7e34}dl{display:grid;grid-template-columns:max-content auto;gap:.1em 1em;margin:0}dt{color:#5f6368}dd{margin:0}
.approval{border:1px solid #b26a00;border-radius:6px;padding:.5em .8em;margin:.5em 0;background:#fffaf2}
button.approve{font-weight:bold;padding:.2em 1em}.graph{overflow-x:auto}
${Object.entries(PHASE_COLOURS).map(([phase, c]) => `.phase-${phase}{background:${c.fill};border-color:${c.stroke};color:${c.stroke}}`).join('\n')}
`;

/**
 * Sends an approval as JSON (the server refuses forms and foreign origins),
 * then reloads. Present only with `--allow-ui-approve`. It marks the page
 * `<html data-approve="ready">` once it runs, so a browser test (and a
 * person in devtools) can tell the CSP let it run.
 */
const APPROVE_SCRIPT = `
document.documentElement.dataset.approve = 'ready';
document.addEventListener('click', async (event) => {
  const button = event.target instanceof Element ? event.target.closest('button.approve') : null;
  if (!button) return;
  const { key, fingerprint, action } = button.dataset;
  if (!window.confirm('Approve ' + action + ' of ' + key + '?')) return;
  button.disabled = true;
  const result = document.getElementById('approve-result');
  try {
    const response = await fetch('/approve', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, fingerprint }) });
    const body = await response.json().catch(() => ({}));
    if (response.ok) { window.location.reload(); return; }
    result.textContent = 'Not approved: ' + (body.message || response.status);
  } catch (error) {
    result.textContent = 'Not approved: ' + error;
  }
  button.disabled = false;
});
`;

const cspHash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * The Content-Security-Policy the server sends with the page: only this
 * page's own style and script run, nothing is loaded from elsewhere, and no
 * other site may frame it.
 */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `style-src ${cspHash(STYLE)}`,
  `script-src ${cspHash(APPROVE_SCRIPT)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The status page: a complete HTML document rendered on the server, readable
 * without JavaScript. It shows the stack, cloud, source and manifests, the
 * suspended / dry-run / leader badges, one table row per resource
 * (`<tr data-key="Server/web" data-phase="Ready">`) with its three kstatus
 * conditions, last error, last sync time and manifest digest, the approvals
 * waiting (`<div class="approval" data-key data-fingerprint>`, with a
 * `<button class="approve">` only when `allowUiApprove`), recent events
 * newest first (`<tr data-seq>`), and the dependency graph as inline SVG.
 * Every value is escaped. Pure: same input, same bytes.
 *
 * @example
 * reply.type('text/html; charset=utf-8').header('content-security-policy', STATUS_PAGE_CSP)
 *   .send(renderStatusPage({ status: view.status(), events: view.events({ limit: 50 }), allowUiApprove: false }));
 */
export function renderStatusPage(input: StatusPageInput): string {
  const { status, allowUiApprove } = input;
  const events = [...input.events].sort((a, b) => b.seq - a.seq);
  const approvals = status.resources.filter((r) => r.approval);
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="refresh" content="${STATUS_PAGE_REFRESH_S}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>novaform · ${esc(status.stack)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    header(status),
    source(status),
    manifests(status),
    resources(status.resources),
    approvalsSection(approvals, allowUiApprove),
    eventsSection(events),
    `<section id="graph"><h2>Dependency graph</h2><div class="graph">${renderGraphSvg(graphOf(status))}</div></section>`,
    allowUiApprove ? `<script>${APPROVE_SCRIPT}</script>` : '',
    '</body></html>',
  ].join('\n');
}

function header(status: ControllerStatus): string {
  const badges = [
    status.leader ? '<span class="badge ok" id="badge-leader">leader</span>' : '<span class="badge bad" id="badge-standby">waiting for the lease</span>',
    status.suspended ? '<span class="badge bad" id="badge-suspended">suspended</span>' : '',
    status.dryRun ? '<span class="badge" id="badge-dry-run">dry run</span>' : '',
    status.prune ? '' : '<span class="badge" id="badge-no-prune">no prune</span>',
    ...status.autoApprove.map((a) => `<span class="badge" data-auto-approve="${esc(a)}">auto-approve ${esc(a)}</span>`),
  ].join('');
  const pass = status.lastPass;
  return `<header id="summary"><h1>novaform <span id="stack">${esc(status.stack)}</span></h1>
<div>${badges}</div>
<dl>
<dt>cloud</dt><dd id="cloud">${esc(status.cloud)}</dd>
<dt>controller</dt><dd>pid ${esc(status.pid)} on ${esc(status.hostname)}, started ${time(status.startedAt)}</dd>
<dt>updated</dt><dd>${time(status.updatedAt)}</dd>
<dt>last pass</dt><dd id="last-pass">${pass ? `${esc(pass.trigger)} at ${time(pass.startedAt)}${pass.durationMs !== undefined ? `, ${esc(pass.durationMs)} ms` : ', running'}, ${esc(pass.changed)} changed, ${esc(pass.failed)} failed` : '<span class="muted">none yet</span>'}</dd>
</dl></header>`;
}

function source(status: ControllerStatus): string {
  const src = status.source;
  if (src.type === 'paths') {
    return `<section id="source" data-type="paths"><h2>Source</h2><dl><dt>paths</dt><dd>${src.paths.map((p) => `<code>${esc(p)}</code>`).join(', ')}</dd></dl></section>`;
  }
  const rows: [string, string, string | undefined][] = [
    ['git-url', 'repository', src.url],
    ['git-branch', 'branch', src.branch],
    ['git-path', 'path', src.path],
    ['git-applied', 'last applied revision', src.lastAppliedRevision],
    ['git-attempted', 'last attempted revision', src.lastAttemptedRevision],
    ['git-failed', 'failed revision', src.failedRevision],
    ['git-error', 'last error', src.lastError],
    ['git-fetched', 'last fetch', src.lastFetchTime],
  ];
  const items = rows
    .filter(([, , value]) => value !== undefined && value !== '')
    .map(([id, name, value]) => `<dt>${name}</dt><dd id="${id}"${id === 'git-failed' || id === 'git-error' ? ' class="bad"' : ''}><code>${esc(value)}</code></dd>`);
  return `<section id="source" data-type="git"><h2>Source</h2><dl>${items.join('')}</dl></section>`;
}

function manifests(status: ControllerStatus): string {
  const m = status.manifests;
  const state = m.valid ? '<span class="ok">valid</span>' : '<span class="bad">invalid: the last valid desired state is kept</span>';
  const errors = m.errors.length > 0 ? `<ul id="manifest-errors">${m.errors.map((e) => `<li><code>${esc(e)}</code></li>`).join('')}</ul>` : '';
  const loaded = m.lastValidTime ? `, loaded ${time(m.lastValidTime)}` : '';
  return `<section id="manifests" data-valid="${m.valid}"><h2>Manifests</h2><p>${state}; ${esc(m.documents)} documents${loaded}</p>${errors}</section>`;
}

function resources(list: readonly ResourceStatus[]): string {
  if (list.length === 0) return '<section id="resources"><h2>Resources</h2><p class="muted">no resources</p></section>';
  const rows = list.map((r) => {
    const error = r.lastError
      ? `<span class="bad">${esc(r.lastError.message)}</span><br><span class="muted">${r.lastError.terminal ? 'terminal, ' : ''}${time(r.lastError.at)}${r.lastError.requestId ? `, request <code>${esc(r.lastError.requestId)}</code>` : ''}</span>`
      : '';
    const flags = [r.managementPolicy === 'observe' ? ' <span class="badge">observe</span>' : '', r.paused ? ' <span class="badge">paused</span>' : ''].join('');
    return (
      `<tr data-key="${esc(r.key)}" data-phase="${esc(r.phase)}">` +
      `<td class="kind">${esc(r.kind)}</td>` +
      `<td class="name">${esc(r.name)}${flags}</td>` +
      `<td class="phase"><span class="badge phase-${esc(r.phase)}">${esc(r.phase)}</span>${r.retryAt ? `<br><span class="muted">retry ${time(r.retryAt)}</span>` : ''}</td>` +
      CONDITIONS.map((type) => condition(type, r.conditions.find((c) => c.type === type))).join('') +
      `<td class="last-error">${error}</td>` +
      `<td class="last-sync">${r.lastSyncTime ? time(r.lastSyncTime) : '<span class="muted">never</span>'}</td>` +
      `<td class="digest">${r.observedManifestDigest ? `<code title="${esc(r.observedManifestDigest)}">${esc(shortDigest(r.observedManifestDigest))}</code>` : ''}</td>` +
      '</tr>'
    );
  });
  return `<section id="resources"><h2>Resources</h2><table><thead><tr><th>kind</th><th>name</th><th>phase</th>${CONDITIONS.map((c) => `<th>${c}</th>`).join('')}<th>last error</th><th>last sync</th><th>manifest</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table></section>`;
}

function condition(type: ConditionType, c: Condition | undefined): string {
  if (!c) return `<td class="condition" data-condition="${type}" data-status="Unknown"><span class="muted">Unknown</span></td>`;
  const cls = (type === 'Ready') === (c.status === 'True') ? 'ok' : c.status === 'Unknown' ? 'muted' : 'bad';
  return `<td class="condition" data-condition="${type}" data-status="${esc(c.status)}" title="${esc(c.message)}"><span class="${cls}">${esc(c.status)}</span> <span class="muted">${esc(c.reason)}</span></td>`;
}

function approvalsSection(waiting: readonly ResourceStatus[], allowUiApprove: boolean): string {
  if (waiting.length === 0) return '<section id="approvals" data-count="0"><h2>Approvals waiting</h2><p class="muted">none</p></section>';
  const items = waiting.map((r) => {
    const a = r.approval!;
    const changes = a.changes.length > 0
      ? `<table class="changes"><thead><tr><th>field</th><th>cloud</th><th>manifest</th></tr></thead><tbody>${a.changes.map((c) => `<tr><td><code>${esc(c.path)}</code></td><td><code>${esc(display(c.from))}</code></td><td><code>${esc(display(c.to))}</code></td></tr>`).join('')}</tbody></table>`
      : '';
    const button = allowUiApprove
      ? `<button type="button" class="approve" data-key="${esc(r.key)}" data-fingerprint="${esc(a.fingerprint)}" data-action="${esc(a.action)}">Approve</button>`
      : '';
    return (
      `<div class="approval" data-key="${esc(r.key)}" data-fingerprint="${esc(a.fingerprint)}">` +
      `<p><strong class="action">${esc(a.action)}</strong> <code>${esc(r.key)}</code> <span class="muted">since ${time(a.since)}</span></p>` +
      `<p class="reasons">${a.reasons.map((reason) => `<span class="badge bad">${esc(reason)}</span>`).join('')}</p>` +
      changes +
      (allowUiApprove ? button : `<p class="muted">approve with <code>novaform approve ${esc(r.key)}</code></p>`) +
      '</div>'
    );
  });
  return `<section id="approvals" data-count="${waiting.length}"><h2>Approvals waiting</h2>${items.join('\n')}${allowUiApprove ? '<p id="approve-result" class="bad" role="status"></p>' : ''}</section>`;
}

function eventsSection(events: readonly ControllerEvent[]): string {
  if (events.length === 0) return '<section id="events"><h2>Recent events</h2><p class="muted">none</p></section>';
  const rows = events.map(
    (e) => `<tr data-seq="${esc(e.seq)}" data-level="${esc(e.level)}"><td>${time(e.time)}</td><td class="${e.level === 'info' ? 'muted' : 'bad'}">${esc(e.level)}</td><td>${esc(e.reason)}</td><td>${e.stack ? `<span class="muted">${esc(e.stack)}</span> ` : ''}${e.key ? `<code>${esc(e.key)}</code>` : ''}</td><td>${esc(e.message)}</td></tr>`,
  );
  return `<section id="events"><h2>Recent events</h2><table><thead><tr><th>time</th><th>level</th><th>reason</th><th>resource</th><th>message</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table></section>`;
}

function time(iso: string): string {
  return `<time datetime="${esc(iso)}">${esc(iso)}</time>`;
}

/** `sha256:0123456789ab…` -> `sha256:0123456789ab`: enough to tell two manifests apart by eye. */
function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.includes(':') ? digest.split(':', 2) : ['', digest];
  return `${algorithm ? `${algorithm}:` : ''}${hex!.slice(0, 12)}`;
}

/** A change's value as one line; long values are cut (the full value is on /status). */
function display(value: unknown): string {
  const text = value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
