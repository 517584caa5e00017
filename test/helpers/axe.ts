import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './appliance.js';

const AXE = join(PACKAGE_ROOT, 'node_modules', 'axe-core', 'axe.min.js');

/**
 * axe-core's serious and critical violations on the page as it is now (the page's context must be
 * created with `bypassCSP: true`: the panel's CSP rightly refuses the injected script otherwise).
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id} (${v.help}): ${v.targets.join(', ')}`);
}
