import { PluginError } from '../errors/xlive-error.js';

export interface Node {
  id: string;
  dependsOn: readonly string[];
}

export interface OrderResult<T extends Node> {
  /** Loadable nodes, each after everything it depends on. */
  order: T[];
  /** Nodes that cannot load: a missing dependency, a cycle, or a dependency that itself cannot load. */
  refused: Map<string, PluginError>;
}

/** Topological order (Kahn, stable by id) with cycle detection; names the cycle in the error. */
export function dependencyOrder<T extends Node>(nodes: readonly T[]): OrderResult<T> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const refused = new Map<string, PluginError>();
  for (const n of nodes) {
    const missing = n.dependsOn.filter((d) => !byId.has(d));
    if (missing.length > 0) {
      refused.set(n.id, new PluginError('PLUGIN_DEPENDENCY_MISSING', `plugin ${n.id} depends on ${missing.join(', ')}, which is not installed`));
    }
  }
  // Cycles: depth-first search with colours.
  const colour = new Map<string, 'grey' | 'black'>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    colour.set(id, 'grey');
    stack.push(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      if (!byId.has(dep)) continue;
      const c = colour.get(dep);
      if (c === 'grey') {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        for (const member of cycle) {
          if (!refused.has(member)) {
            refused.set(member, new PluginError('PLUGIN_DEPENDENCY_CYCLE', `plugin ${member} is in a dependency cycle: ${cycle.join(' -> ')}`));
          }
        }
      } else if (c === undefined) visit(dep);
    }
    stack.pop();
    colour.set(id, 'black');
  };
  for (const n of [...nodes].sort((a, b) => a.id.localeCompare(b.id))) if (!colour.has(n.id)) visit(n.id);
  // Propagate refusals to dependants, then order what is left.
  let changed = true;
  while (changed) {
    changed = false;
    for (const n of nodes) {
      if (refused.has(n.id)) continue;
      const bad = n.dependsOn.find((d) => refused.has(d));
      if (bad) {
        refused.set(n.id, new PluginError('PLUGIN_DEPENDENCY_FAILED', `plugin ${n.id} needs ${bad}, which cannot load: ${refused.get(bad)!.message}`));
        changed = true;
      }
    }
  }
  const order: T[] = [];
  const placed = new Set<string>();
  const pending = nodes.filter((n) => !refused.has(n.id)).sort((a, b) => a.id.localeCompare(b.id));
  while (pending.length > 0) {
    const i = pending.findIndex((n) => n.dependsOn.every((d) => placed.has(d)));
    if (i < 0) break; // unreachable: cycles were refused above
    const [n] = pending.splice(i, 1) as [T];
    order.push(n);
    placed.add(n.id);
  }
  return { order, refused };
}
