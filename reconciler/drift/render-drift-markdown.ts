import type { DriftReport } from './drift-model.ts';
import { applyWords, summaryText } from './render-drift-text.ts';

/**
 * Pure: the drift report as GitHub-flavoured Markdown, for a pull request
 * comment, an issue or a job summary ($GITHUB_STEP_SUMMARY): a heading, a
 * table of drifted resources, then the field changes per resource. Cell
 * text is escaped so a value cannot break the table or inject markup.
 */

/** Escapes text for a table cell: pipes, backslashes, HTML and newlines. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, '<br>');
}

/** A value in a cell: JSON in code, with backticks neutralised. */
function code(value: unknown): string {
  const text = value === null || value === undefined ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value);
  return `\`${cell(text).replace(/`/g, "'")}\``;
}

/**
 * @example
 * renderDriftMarkdown(report).split('\n')[0] // '## Drift: stack shop — 1 changed, 1 missing, 0 unhealthy, 0 unmanaged'
 */
export function renderDriftMarkdown(report: DriftReport): string {
  const lines: string[] = [];
  if (report.inSync) {
    lines.push(`## No drift: stack ${cell(report.stack)}`, '', `The cloud matches the manifests (${report.checked.length} resources in sync).`);
  } else {
    lines.push(`## Drift: stack ${cell(report.stack)} — ${summaryText(report)}`, '', `${report.checked.length} resources in sync.`, '');
    lines.push('| Category | Kind | Name | ID | Details |', '|---|---|---|---|---|');
    for (const r of report.resources) lines.push(`| ${r.category} | ${r.kind} | ${cell(r.name)} | ${r.id ? code(r.id) : ''} | ${cell(r.message)} |`);
    for (const r of report.resources.filter((x) => x.changes.length > 0)) {
      lines.push('', `### ${r.kind} ${cell(r.name)} (${r.category})`, '', '| Field | Desired | Actual | Apply |', '|---|---|---|---|');
      for (const c of r.changes) lines.push(`| ${code(c.path)} | ${code(c.desired)} | ${code(c.actual)} | ${cell(`${c.apply}: ${applyWords(c.apply)}`)} |`);
    }
  }
  const list = (title: string, items: string[]) => {
    if (items.length > 0) lines.push('', `**${title}**`, '', ...items.map((i) => `- ${i}`));
  };
  list('Pending (not drift)', report.pending.map((p) => `${p.action} ${p.kind} ${cell(p.name)}: ${cell(p.message)}`));
  list('Notes', report.notes.map((n) => `${n.kind} ${cell(n.name)}: ${cell(n.message)}`));
  list('Ignored', report.ignored.map((i) => `${i.kind} ${cell(i.name)}: ${cell(i.reason)}`));
  return `${lines.join('\n')}\n`;
}
