import type { PlanAction } from '../plan/plan-model.ts';
import type { ApplyEvent, ApplyResult, ResourceResult, StepLabel } from './apply-types.ts';

/**
 * Pure: how an apply reads on a terminal or in a CI log. One line per
 * event, each starting `[i/n] Kind name:` so interleaved concurrent steps
 * stay readable; a summary at the end that repeats every failure with the
 * cloud's own message.
 */

const DOING: Readonly<Record<PlanAction, string>> = {
  create: 'creating', import: 'importing', update: 'updating', resize: 'resizing', rebuild: 'rebuilding', replace: 'replacing', delete: 'deleting', noop: 'checking',
};

const DONE: Readonly<Record<PlanAction, string>> = {
  create: 'created', import: 'imported', update: 'updated', resize: 'resized', rebuild: 'rebuilt', replace: 'replaced', delete: 'deleted', noop: 'unchanged',
};

/** `12.3s`, `850ms`, `2m05s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function prefix(label: StepLabel): string {
  return `[${label.index}/${label.total}] ${label.kind} ${label.name}:`;
}

/**
 * The line for one event; undefined for events not worth a line.
 *
 * @example
 * progressLine({ type: 'done', index: 3, total: 7, kind: 'Server', name: 'web-1', action: 'create', result: { cloudStatus: 'ACTIVE', durationMs: 12_300, ... } })
 * // '[3/7] Server web-1: creating... ACTIVE (12.3s)'
 */
export function progressLine(event: ApplyEvent): string | undefined {
  const head = `${prefix(event)} ${DOING[event.action]}...`;
  switch (event.type) {
    case 'started': return head;
    case 'waiting': return `${head} ${event.status}`;
    case 'retrying': return `${head} retrying (attempt ${event.attempt}) in ${formatDuration(event.delayMs)}: ${event.message}`;
    case 'done': {
      const r = event.result;
      if (r.retained) return `${prefix(event)} kept in the cloud (deletionPolicy: Retain)`;
      const outcome = r.cloudStatus ?? 'done';
      const warnings = r.warnings.length > 0 ? ` — ${r.warnings.join('; ')}` : '';
      const notes = (r.notes ?? []).map((note) => `\n      ${note}`).join('');
      return `${head} ${outcome} (${formatDuration(r.durationMs)})${warnings}${notes}`;
    }
    case 'failed': return `${head} FAILED (${formatDuration(event.result.durationMs)}): ${event.result.message ?? 'unknown error'}`;
    case 'skipped': return `${prefix(event)} skipped: ${event.result.message ?? 'not attempted'}`;
  }
}

/**
 * The heartbeat line for a step that has been running a while (a server
 * build can take minutes; CI logs without output look hung).
 *
 * @example
 * stillRunningLine(label, 95_000) // '[3/7] Server web-1: creating... still running (1m35s)'
 */
export function stillRunningLine(label: StepLabel, elapsedMs: number): string {
  return `${prefix(label)} ${DOING[label.action]}... still running (${formatDuration(elapsedMs)})`;
}

function count(results: readonly ResourceResult[], verb: string): string[] {
  const parts: string[] = [];
  for (const action of ['create', 'import', 'update', 'resize', 'rebuild', 'replace', 'delete'] as const) {
    const n = results.filter((r) => r.status === 'done' && r.action === action && !r.retained).length;
    if (n > 0) parts.push(`${n} ${DONE[action]}`);
  }
  const kept = results.filter((r) => r.retained).length;
  if (kept > 0) parts.push(`${kept} kept`);
  return parts.length > 0 ? parts : [`nothing ${verb}`];
}

/**
 * The end of an apply: a headline, then each failure and skip with its
 * reason (the cloud's message and request id), then warnings.
 *
 * @example
 * summaryLines(result, 'Apply')
 * // ['Apply failed: 1 failed, 1 skipped; 3 created (took 14.2s).', '  ✗ Volume data: ... (HTTP 413 ..., request req-1)', ...]
 */
export function summaryLines(result: ApplyResult, what: string): string[] {
  const changed = result.results.filter((r) => r.action !== 'noop' || r.retained);
  const failed = changed.filter((r) => r.status === 'failed');
  const skipped = changed.filter((r) => r.status === 'skipped');
  const took = `took ${formatDuration(result.durationMs)}`;
  const done = count(changed, 'changed').join(', ');
  const lines = failed.length + skipped.length === 0
    ? [`${what} complete: ${done} (${took}).`]
    : [`${what} failed: ${failed.length} failed, ${skipped.length} skipped; ${done} (${took}).`];
  for (const r of failed) lines.push(`  ✗ ${r.kind} ${r.name} (${r.action}): ${r.message ?? 'unknown error'}${r.requestId && !(r.message ?? '').includes(r.requestId) ? ` [request ${r.requestId}]` : ''}`);
  for (const r of skipped) lines.push(`  - ${r.kind} ${r.name} (${r.action}): ${r.message ?? 'not attempted'}`);
  for (const r of changed) for (const w of r.warnings) if (!r.retained) lines.push(`  ! ${r.kind} ${r.name}: ${w}`);
  return lines;
}
