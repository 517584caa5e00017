/**
 * The public view of the exposition: what a stranger may see. A series is kept only when every label
 * it carries is on PUBLIC_LABELS, so per-stream series (`stream`), filesystem paths (`path`) and
 * webhook targets (`target`) — and any label a plugin invents — need the `metrics:read` scope.
 * Families left without a series are dropped with their HELP/TYPE lines.
 */
export const PUBLIC_LABELS: ReadonlySet<string> = new Set([
  // xlive's own bounded, non-identifying labels
  'protocol', 'direction', 'reason', 'code', 'what', 'route', 'method', 'status', 'op', 'class', 'check',
  'plugin', 'state', 'bucket', 'zone', 'flag', 'stat', 'period', 'outcome', 'result', 'listener', 'where',
  // histograms/summaries and prom-client's default process metrics
  'le', 'quantile', 'version', 'major', 'minor', 'patch', 'kind', 'space', 'type',
]);

/** Filter exposition text (format 0.0.4) down to the series whose label names are all public. */
export function publicExposition(text: string, allowed: ReadonlySet<string> = PUBLIC_LABELS): string {
  const out: string[] = [];
  let header: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      // A family starts with its HELP (prom-client writes HELP then TYPE); held until one of its series is kept.
      if (line.startsWith('# HELP ')) header = [line];
      else header.push(line);
      continue;
    }
    const names = labelNames(line);
    if (names === undefined || !names.every((n) => allowed.has(n))) continue;
    out.push(...header, line);
    header = [];
  }
  return out.length ? out.join('\n') + '\n' : '';
}

/** The label names of one sample line; undefined when the line cannot be read (it is then left out). */
export function labelNames(line: string): string[] | undefined {
  const open = line.indexOf('{');
  const space = line.indexOf(' ');
  if (open < 0 || (space >= 0 && space < open)) return [];
  const names: string[] = [];
  let i = open + 1;
  for (;;) {
    while (line[i] === ',' || line[i] === ' ') i++;
    if (line[i] === '}') return names;
    const eq = line.indexOf('=', i);
    if (eq < 0 || line[eq + 1] !== '"') return undefined;
    names.push(line.slice(i, eq).trim());
    i = eq + 2;
    // Skip the quoted value: \\, \" and \n are its only escapes.
    while (i < line.length && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
    if (i >= line.length) return undefined;
    i++;
  }
}
