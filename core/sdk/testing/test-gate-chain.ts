/**
 * A real gate chain for in-process tests, open as a lab box is (no auth provider: the registered
 * gates decide, none means allow), with its refusals kept in `refusals`.
 */
import { GateChain } from '../../gates/gate-chain.js';
import { silentLogger } from '../../logging/logger.js';
import type { GateDefinition, GateOutcome, GateRequest } from '../../sdk/gates.js';
import type { StreamApi } from '../../sdk/streams.js';

export interface TestGateChain {
  chain: GateChain;
  refusals: Array<{ request: GateRequest; outcome: Extract<GateOutcome, { allow: false }> }>;
  /** Every request a gate added with `gate()` saw. */
  seen: GateRequest[];
  /** Register `decide` (or a full definition) as the gate `test` at order 100. */
  gate(decide: GateDefinition['decide'] | GateDefinition): void;
}

export function testGateChain(streams: Pick<StreamApi, 'parsePath'>, opts: { labMode?: boolean; available?: boolean } = {}): TestGateChain {
  const refusals: TestGateChain['refusals'] = [];
  const seen: GateRequest[] = [];
  const chain = new GateChain({
    auth: { available: opts.available ?? false, labMode: opts.labMode ?? true },
    ownerState: () => 'running',
    streams,
    refusals: { refused: (request, outcome) => void refusals.push({ request, outcome }) },
    log: silentLogger(),
    unavailableMessage: 'no auth provider is running',
  });
  return {
    chain,
    refusals,
    seen,
    gate(d) {
      const def: GateDefinition = typeof d === 'function' ? { actions: ['publish', 'play'], order: 100, decide: d } : d;
      chain.register('test', {
        ...def,
        decide: (req, signal) => {
          seen.push(req);
          return def.decide(req, signal);
        },
      });
    },
  };
}
