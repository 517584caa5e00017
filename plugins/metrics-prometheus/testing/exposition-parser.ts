/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), for tests: it parses a
 * scrape into metric families and throws on anything a Prometheus server would refuse or that breaks
 * the format's rules (metric and label name syntax, escapes, values, one TYPE per family declared
 * before its samples, families not interleaved, no duplicate series, histogram buckets cumulative
 * with `le="+Inf"` equal to `_count`).
 * Reference: https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** The sample's own name (`foo_bucket`, `foo_sum`, … for histograms). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string | undefined;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: readonly string[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];
const SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

export class ExpositionError extends Error {
  constructor(message: string, readonly line: number) {
    super(`line ${line}: ${message}`);
  }
}

export function parseExposition(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const finished = new Set<string>();
  const series = new Set<string>();
  /** Families with a TYPE line (an explicit `untyped` counts too). */
  const typeDeclared = new Set<string>();
  let current: MetricFamily | undefined;
  const lines = text.split('\n');
  if (text.length > 0 && !text.endsWith('\n')) throw new ExpositionError('the exposition must end with a line feed', lines.length);
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line);
      if (!m) return; // a plain comment
      const [, kind, name, rest = ''] = m as unknown as [string, string, string, string | undefined];
      if (!METRIC_NAME.test(name)) throw new ExpositionError(`invalid metric name "${name}"`, n);
      const fam = family(name, n);
      if (kind === 'TYPE') {
        if (!TYPES.includes(rest)) throw new ExpositionError(`unknown type "${rest}" for ${name}`, n);
        if (fam.samples.length > 0) throw new ExpositionError(`TYPE of ${name} after its samples`, n);
        if (fam.type !== 'untyped' || typeDeclared.has(name)) throw new ExpositionError(`second TYPE line for ${name}`, n);
        typeDeclared.add(name);
        fam.type = rest as MetricType;
      } else {
        if (fam.help !== undefined) throw new ExpositionError(`second HELP line for ${name}`, n);
        fam.help = unescape(rest, false, n);
      }
      return;
    }
    const sample = parseSample(line, n);
    const fam = familyOfSample(sample.name, n);
    const key = sample.name + JSON.stringify(Object.entries(sample.labels).sort());
    if (series.has(key)) throw new ExpositionError(`duplicate series ${key}`, n);
    series.add(key);
    fam.samples.push(sample);
  });
  for (const fam of families.values()) if (fam.type === 'histogram') checkHistogram(fam);
  return families;

  function family(name: string, n: number): MetricFamily {
    if (current?.name === name) return current;
    if (finished.has(name)) throw new ExpositionError(`metric family ${name} is interleaved with another`, n);
    if (current) finished.add(current.name);
    current = { name, type: 'untyped', help: undefined, samples: [] };
    families.set(name, current);
    return current;
  }

  function familyOfSample(name: string, n: number): MetricFamily {
    if (current) {
      const base = current.name;
      if (SUFFIXES[current.type].some((s) => name === base + s)) return current;
    }
    const fam = family(name, n);
    if (fam.type !== 'untyped' && !SUFFIXES[fam.type].includes('')) throw new ExpositionError(`sample ${name} does not belong to ${fam.type} ${fam.name}`, n);
    return fam;
  }
}

function parseSample(line: string, n: number): Sample {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
  if (!m) throw new ExpositionError(`invalid sample line "${line.slice(0, 80)}"`, n);
  const name = m[1]!;
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === '{') {
    pos++;
    for (;;) {
      while (line[pos] === ' ') pos++;
      if (line[pos] === '}') {
        pos++;
        break;
      }
      const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"/.exec(line.slice(pos));
      if (!lm || !LABEL_NAME.test(lm[1]!)) throw new ExpositionError(`invalid label at column ${pos + 1} of ${name}`, n);
      const label = lm[1]!;
      if (label in labels) throw new ExpositionError(`label ${label} repeated in ${name}`, n);
      pos += lm[0].length;
      let value = '';
      for (;;) {
        const ch = line[pos];
        if (ch === undefined) throw new ExpositionError(`unterminated label value of ${label} in ${name}`, n);
        pos++;
        if (ch === '"') break;
        if (ch === '\\') {
          const next = line[pos++];
          if (next === 'n') value += '\n';
          else if (next === '\\' || next === '"') value += next;
          else throw new ExpositionError(`invalid escape \\${next ?? ''} in label ${label} of ${name}`, n);
        } else value += ch;
      }
      labels[label] = value;
      while (line[pos] === ' ') pos++;
      if (line[pos] === ',') pos++;
      else if (line[pos] !== '}') throw new ExpositionError(`expected "," or "}" after label ${label} of ${name}`, n);
    }
  }
  const rest = line.slice(pos);
  if (!/^[ \t]/.test(rest)) throw new ExpositionError(`missing value of ${name}`, n);
  const parts = rest.trim().split(/[ \t]+/);
  if (parts.length > 2) throw new ExpositionError(`trailing text after the value of ${name}`, n);
  const value = parseValue(parts[0]!, n);
  if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new ExpositionError(`invalid timestamp "${parts[1]}" of ${name}`, n);
  return { name, labels, value };
}

/** A value as Go's strconv.ParseFloat reads it (what Prometheus uses): special values in any case. */
function parseValue(s: string, n: number): number {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (special) {
    if (special[2]!.toLowerCase() === 'nan') {
      if (special[1]) throw new ExpositionError(`invalid value "${s}"`, n);
      return NaN;
    }
    return special[1] === '-' ? -Infinity : Infinity;
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new ExpositionError(`invalid value "${s}"`, n);
  return Number(s);
}

function unescape(s: string, quotes: boolean, n: number): string {
  return s.replace(/\\(.?)/g, (_, c: string) => {
    if (c === 'n') return '\n';
    if (c === '\\') return '\\';
    if (quotes && c === '"') return '"';
    throw new ExpositionError(`invalid escape \\${c} in HELP`, n);
  });
}

function checkHistogram(fam: MetricFamily): void {
  const groups = new Map<string, { buckets: Array<[number, number]>; count?: number; sum?: number }>();
  for (const s of fam.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const g = groups.get(key) ?? { buckets: [] };
    groups.set(key, g);
    if (s.name.endsWith('_bucket')) {
      if (le === undefined) throw new ExpositionError(`${s.name} without an le label`, 0);
      g.buckets.push([parseValue(le, 0), s.value]);
    } else if (s.name.endsWith('_count')) g.count = s.value;
    else g.sum = s.value;
  }
  for (const [key, g] of groups) {
    g.buckets.sort((a, b) => a[0] - b[0]);
    const inf = g.buckets[g.buckets.length - 1];
    if (!inf || inf[0] !== Infinity) throw new ExpositionError(`histogram ${fam.name}${key} has no le="+Inf" bucket`, 0);
    for (let i = 1; i < g.buckets.length; i++) {
      if (g.buckets[i]![1] < g.buckets[i - 1]![1]) throw new ExpositionError(`histogram ${fam.name}${key} buckets are not cumulative`, 0);
    }
    if (g.count === undefined || g.sum === undefined) throw new ExpositionError(`histogram ${fam.name}${key} lacks _count or _sum`, 0);
    if (g.count !== inf[1]) throw new ExpositionError(`histogram ${fam.name}${key}: _count ${g.count} differs from the +Inf bucket ${inf[1]}`, 0);
  }
}

/** The value of one series, matching the given labels (others may be present). */
export function sampleValue(families: Map<string, MetricFamily>, family: string, labels: Record<string, string> = {}, sampleName = family): number | undefined {
  const fam = families.get(family);
  return fam?.samples.find((s) => s.name === sampleName && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}
