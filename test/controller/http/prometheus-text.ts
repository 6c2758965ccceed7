/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests:
 * it throws on any line a Prometheus server would reject or that breaks the
 * format's rules (a sample whose family has no TYPE, a TYPE after its
 * samples, a repeated HELP/TYPE, a histogram bucket without `le`, a bad
 * float, a bad label escape).
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  type: string;
  help?: string;
  readonly samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  if (text !== '' && !text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, index) => {
    const where = `line ${index + 1}: ${JSON.stringify(line)}`;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) return; // a plain comment
      const [, keyword, name, rest] = m as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`bad metric name in ${where}`);
      const family = families.get(name) ?? { name, type: '', samples: [] };
      families.set(name, family);
      if (keyword === 'HELP') {
        if (family.help !== undefined) throw new Error(`second HELP for ${name} at ${where}`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) throw new Error(`bad escape in HELP at ${where}`);
        family.help = rest;
      } else {
        if (family.type) throw new Error(`second TYPE for ${name} at ${where}`);
        if (family.samples.length > 0) throw new Error(`TYPE after samples of ${name} at ${where}`);
        if (!TYPES.has(rest)) throw new Error(`unknown type '${rest}' at ${where}`);
        family.type = rest;
      }
      return;
    }
    if (line === '') return; // the format ignores empty lines (prom-client puts one between families)
    if (line.trim() === '') throw new Error(`whitespace-only line at ${where}`);
    const sample = parseSample(line, where);
    const family = familyOf(sample, families);
    if (!family) throw new Error(`sample ${sample.name} has no TYPE declared before it (${where})`);
    if (family.type === 'histogram' && sample.name.endsWith('_bucket') && sample.labels.le === undefined) throw new Error(`histogram bucket without le at ${where}`);
    family.samples.push(sample);
  });
  return families;
}

function familyOf(sample: Sample, families: Map<string, Family>): Family | undefined {
  const exact = families.get(sample.name);
  if (exact?.type) return exact;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sample.name.endsWith(suffix)) continue;
    const base = families.get(sample.name.slice(0, -suffix.length));
    if (base && (base.type === 'histogram' || (base.type === 'summary' && suffix !== '_bucket'))) return base;
  }
  return undefined;
}

function parseSample(line: string, where: string): Sample {
  let i = 0;
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) throw new Error(`bad sample name at ${where}`);
  const name = nameMatch[0];
  i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i += 1;
    while (line[i] !== '}') {
      const labelMatch = /^[^=]*/.exec(line.slice(i))![0];
      if (!LABEL.test(labelMatch)) throw new Error(`bad label name '${labelMatch}' at ${where}`);
      i += labelMatch.length;
      if (line[i] !== '=' || line[i + 1] !== '"') throw new Error(`expected ="..." after ${labelMatch} at ${where}`);
      i += 2;
      let value = '';
      for (;;) {
        const c = line[i];
        if (c === undefined) throw new Error(`unterminated label value at ${where}`);
        i += 1;
        if (c === '"') break;
        if (c === '\\') {
          const next = line[i];
          i += 1;
          if (next === '\\') value += '\\';
          else if (next === '"') value += '"';
          else if (next === 'n') value += '\n';
          else throw new Error(`bad escape \\${next} in a label value at ${where}`);
        } else value += c;
      }
      if (labelMatch in labels) throw new Error(`label ${labelMatch} twice at ${where}`);
      labels[labelMatch] = value;
      if (line[i] === ',') i += 1;
      else if (line[i] !== '}') throw new Error(`expected , or } at ${where}`);
    }
    i += 1;
  }
  if (line[i] !== ' ') throw new Error(`expected one space before the value at ${where}`);
  const parts = line.slice(i + 1).split(' ');
  if (parts.length > 2 || parts[0] === '') throw new Error(`expected a value and an optional timestamp at ${where}`);
  const [raw, timestamp] = parts as [string, string | undefined];
  if (timestamp !== undefined && !/^-?\d+$/.test(timestamp)) throw new Error(`bad timestamp at ${where}`);
  let value: number;
  // Prometheus reads values with Go's strconv.ParseFloat: NaN and Inf in any case (prom-client writes `Nan`).
  if (/^nan$/i.test(raw)) value = NaN;
  else if (/^\+?inf(inity)?$/i.test(raw)) value = Infinity;
  else if (/^-inf(inity)?$/i.test(raw)) value = -Infinity;
  else if (FLOAT.test(raw)) value = Number(raw);
  else throw new Error(`bad float '${raw}' at ${where}`);
  return { name, labels, value };
}

/** The value of the one sample named `name` whose labels include `labels`; throws when there is not exactly one. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const found = [...families.values()].flatMap((f) => f.samples).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length !== 1) throw new Error(`expected one ${name}${JSON.stringify(labels)}, found ${found.length}`);
  return found[0]!.value;
}
