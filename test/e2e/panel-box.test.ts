/**
 * The panel's box card in headless Chromium against a real box: the recent log (filtered by level),
 * a backup downloaded from the link, an update refused in words on a box not installed from the
 * package, and a restart from the button after which the panel reconnects.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, setUpAdmin, openScreen } from '../helpers/panel.js';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { buildDeb } from '../helpers/debs.js';

const PW = 'panel box password 12';

describe('panel: the box card (Chromium)', () => {
  let app: ApplianceHandle;
  let browser: Browser;
  let work: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'xlive-panel-box-'));
    app = await startAppliance();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('shows the log, downloads a backup, explains a refused update, restarts the service', async () => {
    const page = await browser.newPage({ acceptDownloads: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => void d.accept());
    await setUpAdmin(page, app.httpUrl, PW);
    await openScreen(page, 'box');
    await page.locator('#box-card').waitFor({ state: 'visible' });

    await page.locator('#logs-list li').first().waitFor();
    assert.match((await page.textContent('#logs-list')) ?? '', /ready: \d+ plugins running/);
    // Filtered by where a line came from: the http part's lines only, then an invalid source in words.
    await page.fill('#logs-source', 'plugins');
    await page.press('#logs-source', 'Enter');
    await page.waitForFunction(() => { const d = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number; forEach(f: (n: { textContent: string }) => void): void } } }).document; let all = true; let n = 0; d.querySelectorAll('#logs-list li').forEach((li) => { n++; if (!li.textContent.includes('[plugins]')) all = false; }); return n > 0 && all; }, null, { timeout: 15_000 });
    await page.fill('#logs-source', 'Not A Source');
    await page.press('#logs-source', 'Enter');
    await page.locator('#box-error').waitFor({ state: 'visible' });
    assert.match((await page.textContent('#box-error')) ?? '', /plugin/);
    await page.fill('#logs-source', '');
    await page.press('#logs-source', 'Enter');
    await page.selectOption('#logs-level', 'error');
    await page.locator('#logs-empty').waitFor({ state: 'visible' });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download a backup' }).click()]);
    const file = join(work, 'backup.tar.gz');
    await download.saveAs(file);
    assert.equal(readFileSync(file)[0], 0x1f, 'a gzip archive');

    await page.setInputFiles('#update-file', buildDeb(work, 'xlive', '99.0.0'));
    await page.click('#update-submit');
    await page.locator('#box-error').waitFor({ state: 'visible' });
    assert.match((await page.textContent('#box-error')) ?? '', /not installed from the xlive Debian package/);

    const pid = app.child.pid;
    await page.click('#box-restart');
    await page.locator('#box-status', { hasText: 'Restarting' }).waitFor();
    // The event, read through the page's own session once the service is back (bounded: 60 × 500 ms).
    let restarted = false;
    for (let i = 0; i < 60 && !restarted; i++) {
      restarted = await page.evaluate(async () => {
        const r = await fetch('api/v1/events?type=system.restart', { credentials: 'same-origin' }).catch(() => null);
        return !!r && r.status === 200 && ((await r.json()) as { items: unknown[] }).items.length > 0;
      });
      if (!restarted) await page.waitForTimeout(500);
    }
    assert.ok(restarted, 'a system.restart event');
    assert.equal(app.child.pid, pid, 'restarted in place');
    assert.deepEqual(errors, []);
  });
});
