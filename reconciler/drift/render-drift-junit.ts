import type { DriftReport } from './drift-model.ts';
import { changeText } from './render-drift-text.ts';

/**
 * Pure: the drift report as JUnit XML, the format every CI shows as tests:
 * one test suite for the stack, one test case per managed resource
 * (classname `novaform.drift.<stack>.<Kind>`, name the manifest name).
 * Drifted resources (changed, missing, unhealthy) are failures whose
 * message is the one-line reason and whose body lists the changes; in-sync
 * ones pass; pending and ignored ones are skipped. With
 * --include-unmanaged every unmanaged object is a failing case of kind
 * `unmanaged`. The XML is escaped, and characters XML 1.0 forbids are
 * dropped, so any cloud text yields a well-formed file.
 */

/** Escapes text for XML content and attribute values; drops characters XML 1.0 cannot carry. */
export function xml(text: string): string {
  return text
    .replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

interface Case {
  readonly classname: string;
  readonly name: string;
  readonly body: string;
}

/**
 * @example
 * renderDriftJunit(report, { time: 0.42 })
 * // '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="novaform drift" tests="5" failures="2" …'
 */
export function renderDriftJunit(report: DriftReport, options: { time?: number } = {}): string {
  const base = `novaform.drift.${report.stack}`;
  const cases: Case[] = [];
  let failures = 0;
  let skipped = 0;
  for (const r of report.resources) {
    failures += 1;
    const classname = r.category === 'unmanaged' ? `${base}.unmanaged.${r.kind}` : `${base}.${r.kind}`;
    const detail = [`${r.kind} ${r.name}${r.id ? ` (${r.id})` : ''} is ${r.category}: ${r.message}`, ...r.changes.map(changeText)].join('\n');
    cases.push({ classname, name: r.name, body: `\n      <failure type="${r.category}" message="${xml(`${r.category}: ${r.message}`)}">${xml(detail)}</failure>\n    ` });
  }
  for (const c of report.checked) cases.push({ classname: `${base}.${c.kind}`, name: c.name, body: '' });
  for (const p of report.pending) {
    skipped += 1;
    cases.push({ classname: `${base}.${p.kind}`, name: p.name, body: `\n      <skipped message="${xml(`pending ${p.action}: ${p.message}`)}"/>\n    ` });
  }
  for (const i of report.ignored) {
    skipped += 1;
    cases.push({ classname: `${base}.${i.kind}`, name: i.name, body: `\n      <skipped message="${xml(`ignored: ${i.reason}`)}"/>\n    ` });
  }
  cases.sort((a, b) => (a.classname < b.classname ? -1 : a.classname > b.classname ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const time = (options.time ?? 0).toFixed(3);
  const counts = `tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="novaform drift" ${counts}>`,
    `  <testsuite name="${xml(base)}" ${counts}>`,
    ...cases.map((c) => `    <testcase classname="${xml(c.classname)}" name="${xml(c.name)}" time="0">${c.body}</testcase>`),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
