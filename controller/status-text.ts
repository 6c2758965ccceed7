import type { ControllerEvent, ControllerStatus, PendingApproval, ResourcePhase, ResourceStatus } from './controller-model.ts';

/**
 * The controller's status and events as terminal text (`novaform status`,
 * `novaform events`, `novaform approve`), and the exit code CI gates on.
 * Pure: the caller passes `now` for the "5m ago" columns.
 */

/** Phases that need a person or a manifest fix: `novaform status` exits 2 on them. */
export const ATTENTION_PHASES: readonly ResourcePhase[] = ['Stalled', 'ApprovalNeeded', 'BackingOff'];

/**
 * 2 when a resource is Stalled, ApprovalNeeded or BackingOff, or the
 * manifests are invalid; else 0.
 *
 * @example
 * statusExitCode({ manifests: { valid: false, errors: ['a.yaml:1:1: bad'], documents: 0 }, resources: [] }) // 2
 */
export function statusExitCode(status: Pick<ControllerStatus, 'manifests' | 'resources'>): 0 | 2 {
  const attention = !status.manifests.valid || status.resources.some((r) => ATTENTION_PHASES.includes(r.phase));
  return attention ? 2 : 0;
}

function value(v: unknown): string {
  if (v === undefined || v === null) return '(none)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * What an approval allows, in one line.
 *
 * @example
 * describeApproval({ action: 'resize', reasons: ['resize'], changes: [{ path: 'spec.flavor', from: 'm1.small', to: 'm1.large' }], fingerprint: 'sha256:..', since: '...' })
 * // 'resize (spec.flavor m1.small -> m1.large)'
 */
export function describeApproval(approval: Pick<PendingApproval, 'action' | 'reasons' | 'changes'>): string {
  const what = approval.reasons.length > 0 ? approval.reasons.join(', ') : approval.action;
  if (approval.changes.length === 0) return what;
  return `${what} (${approval.changes.map((c) => `${c.path} ${value(c.from)} -> ${value(c.to)}`).join(', ')})`;
}

/**
 * How long ago `iso` was, coarsely: `12s ago`, `5m ago`, `3h ago`, `2d ago`.
 *
 * @example
 * ago('2026-01-01T10:00:00Z', new Date('2026-01-01T10:05:00Z')) // '5m ago'
 */
export function ago(iso: string | undefined, now: Date): string {
  if (iso === undefined) return '-';
  const ms = now.getTime() - new Date(iso).getTime();
  if (!Number.isFinite(ms)) return iso;
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

/** The MESSAGE column: why it waits, its last error, else its most telling condition. */
export function resourceMessage(resource: ResourceStatus): string {
  if (resource.approval) return `${describeApproval(resource.approval)} waits for approval`;
  if (resource.lastError) {
    const retry = resource.phase === 'BackingOff' && resource.retryAt ? ` (retry at ${resource.retryAt})` : '';
    return oneLine(`${resource.lastError.message}${retry}`);
  }
  const telling = ['Stalled', 'Reconciling', 'Ready'].map((type) => resource.conditions.find((c) => c.type === type && c.status === 'True'))
    .find((c) => c !== undefined) ?? resource.conditions[0];
  return telling ? oneLine(telling.message) : '';
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}

const short = (sha: string | undefined) => (sha === undefined ? '-' : sha.slice(0, 12));

function sourceLines(status: ControllerStatus): string[] {
  const source = status.source;
  if (source.type === 'paths') return [`Source:     ${source.paths.join(' ')}`];
  const lines = [
    `Source:     git ${source.url} (branch ${source.branch}, path ${source.path || '/'})`,
    `Revisions:  applied ${short(source.lastAppliedRevision)}, attempted ${short(source.lastAttemptedRevision)}${source.lastFetchTime ? `, fetched ${source.lastFetchTime}` : ''}`,
  ];
  if (source.failedRevision !== undefined || source.lastError !== undefined) {
    lines.push(`            failed on ${short(source.failedRevision)}: ${oneLine(source.lastError ?? 'unknown error')}`);
  }
  return lines;
}

function headerLines(status: ControllerStatus, now: Date): string[] {
  const modes = [status.dryRun ? 'dry run' : '', status.prune ? '' : 'no prune', status.autoApprove.length > 0 ? `auto-approve ${status.autoApprove.join(',')}` : '']
    .filter(Boolean);
  const manifests = status.manifests;
  const lines = [
    `Stack:      ${status.stack} (cloud ${status.cloud})`,
    `Controller: pid ${status.pid} on ${status.hostname}, ${status.leader ? 'leader' : 'waiting for the lease'}${modes.length > 0 ? `, ${modes.join(', ')}` : ''}; status of ${status.updatedAt} (${ago(status.updatedAt, now)})`,
    `Suspended:  ${status.suspended ? 'yes (novaform resume to continue)' : 'no'}`,
    ...sourceLines(status),
  ];
  if (manifests.valid) {
    lines.push(`Manifests:  valid, ${manifests.documents} document${manifests.documents === 1 ? '' : 's'}${manifests.lastValidTime ? ` (loaded ${manifests.lastValidTime})` : ''}`);
  } else {
    lines.push(`Manifests:  INVALID (${manifests.errors.length} error${manifests.errors.length === 1 ? '' : 's'}); the last valid ones stay in use (${manifests.documents} documents${manifests.lastValidTime ? `, loaded ${manifests.lastValidTime}` : ''})`);
    for (const error of manifests.errors) lines.push(`  ${oneLine(error)}`);
  }
  const pass = status.lastPass;
  if (pass) {
    const took = pass.durationMs !== undefined ? `${(pass.durationMs / 1000).toFixed(1)}s, ` : 'running, ';
    lines.push(`Last pass:  ${pass.trigger} at ${pass.startedAt}: ${took}${pass.changed} changed, ${pass.failed} failed`);
  }
  return lines;
}

/**
 * `novaform status` as text: header, one row per resource, then the
 * approvals waiting with the command that grants each.
 *
 * @example
 * process.stdout.write(renderStatusText(status, new Date()));
 */
export function renderStatusText(status: ControllerStatus, now: Date): string {
  const lines = headerLines(status, now);
  lines.push('');
  if (status.resources.length === 0) {
    lines.push('No resources.');
  } else {
    lines.push(...table([
      ['KIND', 'NAME', 'PHASE', 'LAST-SYNC', 'MESSAGE'],
      ...status.resources.map((r) => [r.kind, r.name, r.phase, ago(r.lastSyncTime, now), resourceMessage(r)]),
    ]));
  }
  const waiting = status.resources.filter((r) => r.approval !== undefined);
  if (waiting.length > 0) {
    lines.push('', `Approvals waiting (${waiting.length}):`);
    for (const r of waiting) lines.push(`  ${r.key}: ${describeApproval(r.approval!)}`, `    novaform approve ${r.key}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * One event as a text line: `TIME LEVEL REASON KEY MESSAGE`.
 *
 * @example
 * eventLine({ seq: 7, time: '2026-01-01T10:00:00.000Z', level: 'warn', reason: 'ApprovalNeeded', key: 'Server/web-1', message: 'resize waits' })
 * // '2026-01-01T10:00:00.000Z warn  ApprovalNeeded   Server/web-1 resize waits'
 */
export function eventLine(event: ControllerEvent): string {
  return `${event.time} ${event.level.padEnd(5)} ${event.reason.padEnd(16)} ${event.key ?? '-'} ${oneLine(event.message)}`;
}
