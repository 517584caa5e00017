/**
 * The People screen and the Box screen's events in headless Chromium against a real box: an admin
 * creates an operator through the form; signed in as it (a second browser), People is not offered and
 * the box refuses its users/audit API calls; its role is changed, it is locked out by failed sign-ins
 * (the sign-in form says until when and how to recover), a new password set in the panel lets it in
 * again, it is deleted; deleting yourself and demoting the last admin are refused in words; the audit
 * log shows these actions and pages back; the events list filters by type and pages. axe-core finds
 * nothing serious on People and Box; at 390×844 nothing scrolls sideways. Screenshots go to
 * test-output/panel/{people,box-events}-{desktop,phone}.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seriousViolations } from '../helpers/axe.js';
import { launchChromium, setUpAdmin } from '../helpers/panel.js';
import { PACKAGE_ROOT, startAppliance, type ApplianceHandle } from '../helpers/appliance.js';

const PW = 'panel people password';
const OP_PW = 'stagehand password 1';
const OP_PW2 = 'stagehand password 2';
const SHOTS = join(PACKAGE_ROOT, 'test-output', 'panel');

/** Sign in through the panel's form on a fresh page of `ctx`. */
async function signIn(ctx: BrowserContext, base: string, name: string, password: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(base + '/');
  await page.locator('#view-login').waitFor({ state: 'visible' });
  await page.fill('#login-username', name);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  return page;
}

/** The text of `#login-error` after submitting the sign-in form with `password`. */
async function failedSignIn(page: Page, name: string, password: string): Promise<string> {
  await page.evaluate(() => {
    const p = (globalThis as unknown as { document: { getElementById(id: string): { hidden: boolean; textContent: string } } }).document.getElementById('login-error');
    p.hidden = true;
    p.textContent = '';
  });
  await page.fill('#login-username', name);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.locator('#login-error').waitFor({ state: 'visible', timeout: 15_000 });
  return (await page.textContent('#login-error')) ?? '';
}

/** Elements past the right edge of a `width` viewport, and the page's own sideways overflow. */
async function sideways(page: Page, width: number): Promise<string[]> {
  const out: string[] = [];
  const scrollWidth = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
  if (scrollWidth > width) out.push(`page is ${scrollWidth}px wide`);
  for (const loc of await page.locator('button:visible, a:visible, input:visible, select:visible').all()) {
    const box = await loc.boundingBox();
    if (box && box.x + box.width > width + 1) out.push(`${await loc.evaluate((n) => (n as unknown as { outerHTML: string }).outerHTML.slice(0, 80))} ends at ${Math.round(box.x + box.width)}`);
  }
  return out;
}

describe('panel: People (users, roles, audit, sign-in problems) and Box events (Chromium)', () => {
  let app: ApplianceHandle;
  let browser: Browser;
  let admin: Page;
  let adminCtx: BrowserContext;
  const errors: string[] = [];

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startAppliance();
    browser = await launchChromium();
    adminCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    admin = await adminCtx.newPage();
    admin.on('pageerror', (e) => errors.push(e.message));
    admin.on('dialog', (d) => void d.accept());
    await setUpAdmin(admin, app.httpUrl, PW);
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  const row = (name: string) => admin.locator(`#users-body tr[data-user="${name}"]`);
  const status = async (text: RegExp) => {
    await admin.locator('#users-status', { hasText: text }).waitFor({ timeout: 15_000 });
  };
  const problem = async (text: RegExp) => {
    await admin.locator('#users-error', { hasText: text }).waitFor({ state: 'visible', timeout: 15_000 });
  };

  it('creates an operator through the form; signed in as it, People is not offered and the box refuses the users API', async () => {
    await admin.goto(app.httpUrl + '/#people');
    await admin.locator('#users-card').waitFor({ state: 'visible' });
    await row('admin').waitFor();
    assert.match((await row('admin').textContent()) ?? '', /\(you\)/);
    assert.match((await row('admin').locator('td').nth(3).textContent()) ?? '', /\d/, 'the last sign-in (setup) is shown');

    await admin.fill('#new-user-name', 'stagehand');
    await admin.selectOption('#new-user-role', 'operator');
    await admin.fill('#new-user-password', OP_PW);
    await admin.fill('#new-user-password2', 'something else entirely');
    await admin.click('#user-add');
    await problem(/The two passwords are different/);
    await admin.fill('#new-user-password2', OP_PW);
    await admin.click('#user-add');
    await status(/stagehand was created as an operator/);
    await row('stagehand').waitFor();
    assert.equal(await row('stagehand').locator('select').inputValue(), 'operator');
    assert.equal(await admin.locator('#users-error').isHidden(), true, 'the earlier problem is cleared');

    await admin.fill('#new-user-name', 'stagehand');
    await admin.fill('#new-user-password', OP_PW);
    await admin.fill('#new-user-password2', OP_PW);
    await admin.click('#user-add');
    await problem(/taken|exists/i);

    const opCtx = await browser.newContext();
    const op = await signIn(opCtx, app.httpUrl, 'stagehand', OP_PW);
    await op.locator('#view-dashboard').waitFor({ state: 'visible' });
    assert.equal(await op.locator('[data-nav="people"]').isHidden(), true, 'People is not offered to an operator');
    assert.equal(await op.locator('[data-nav="box"]').isVisible(), true);
    await op.goto(app.httpUrl + '/#people');
    await op.locator('#screen-dashboard').waitFor({ state: 'visible' });
    assert.equal(await op.locator('#screen-people').isHidden(), true, 'the URL does not open People either');
    const refused = await op.evaluate(async () => {
      const users = await fetch('api/v1/users', { credentials: 'same-origin' });
      const audit = await fetch('api/v1/audit', { credentials: 'same-origin' });
      return [users.status, audit.status];
    });
    assert.deepEqual(refused, [403, 403], 'the box refuses the users and audit APIs to an operator');

    // A role change ends the user's sessions at once.
    await row('stagehand').locator('select').selectOption('viewer');
    await row('stagehand').getByRole('button', { name: 'Change role of stagehand' }).click();
    await status(/stagehand is now a viewer/);
    const after = await op.evaluate(async () => ((await (await fetch('api/v1/session', { credentials: 'same-origin' })).json()) as { authenticated: boolean }).authenticated);
    assert.equal(after, false, 'signed out by the role change');
    await opCtx.close();
  });

  it('explains a lockout after failed sign-ins (until when, how to recover), without telling which names exist; a new password from the panel lets the user in', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    await page.goto(app.httpUrl + '/');
    await page.locator('#view-login').waitFor({ state: 'visible' });

    const unknown = await failedSignIn(page, 'nobody-here', 'some wrong password');
    const wrong = await failedSignIn(page, 'stagehand', 'a wrong password 1');
    assert.match(wrong, /wrong username or password/);
    assert.equal(unknown, wrong, 'an unknown name and a wrong password read the same');

    let locked = '';
    for (let i = 2; i <= 8 && !locked; i++) {
      const text = await failedSignIn(page, 'stagehand', `a wrong password ${i}`);
      if (/locked/.test(text)) locked = text;
      else assert.match(text, /wrong username or password/);
    }
    assert.match(locked, /^Too many failed sign-ins: this account is locked until \d{1,2}:\d{2} \(in \d+ minutes?\)/);
    assert.match(locked, /xlive admin reset-password stagehand/);
    assert.match(locked, /People screen/);
    await page.screenshot({ path: join(SHOTS, 'signin-locked-phone.png'), fullPage: true });
    // Even the right password waits the lock out.
    assert.match(await failedSignIn(page, 'stagehand', OP_PW), /locked until/);

    // The admin sees the lock and sets a new password, which lifts it.
    await admin.goto(app.httpUrl + '/#box');
    await admin.goto(app.httpUrl + '/#people');
    await row('stagehand').locator('td', { hasText: /sign-in locked until/ }).waitFor({ timeout: 15_000 });
    await admin.selectOption('#reset-user', { label: 'stagehand' });
    await admin.fill('#reset-password', OP_PW2);
    await admin.fill('#reset-password2', OP_PW2);
    await admin.click('#reset-submit');
    await status(/stagehand has a new password/);

    await page.fill('#login-username', 'stagehand');
    await page.fill('#login-password', OP_PW2);
    await page.click('#login-submit');
    await page.locator('#view-dashboard').waitFor({ state: 'visible', timeout: 15_000 });
    await ctx.close();
  });

  it('refuses in words deleting yourself and demoting the last admin; deletes the user', async () => {
    await row('admin').getByRole('button', { name: 'Delete admin' }).click();
    await problem(/cannot delete your own account/);
    await row('admin').locator('select').selectOption('operator');
    await row('admin').getByRole('button', { name: 'Change role of admin' }).click();
    await problem(/admin is the last active admin/);
    await row('admin').locator('select').selectOption('admin');

    await row('stagehand').getByRole('button', { name: 'Delete stagehand' }).click();
    await status(/stagehand was deleted/);
    await row('stagehand').waitFor({ state: 'detached' });
    const gone = await fetch(app.httpUrl + '/api/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: app.httpUrl },
      body: JSON.stringify({ username: 'stagehand', password: OP_PW2 }),
    });
    assert.equal(gone.status, 401, 'the deleted user cannot sign in');
  });

  it('shows who did what in the audit log, filters it by action and pages back', async () => {
    await admin.click('#audit-newest');
    const audit = admin.locator('#audit-body');
    await audit.locator('tr', { hasText: 'user.deleted' }).waitFor();
    for (const action of ['user.created', 'user.updated', 'user.deleted', 'login.locked', 'login.failed']) {
      assert.ok((await audit.locator('tr', { hasText: action }).count()) > 0, `${action} is in the audit log`);
    }
    const created = audit.locator('tr', { hasText: 'user.created' }).filter({ hasText: 'stagehand' }).first();
    assert.match((await created.textContent()) ?? '', /user:admin/);
    assert.match((await created.textContent()) ?? '', /127\.0\.0\.1/);

    // More than a page of entries: 60 plugin changes (each is audited).
    const { csrfToken } = (await (await admin.request.get(app.httpUrl + '/api/v1/session')).json()) as { csrfToken: string };
    for (let i = 0; i < 60; i++) {
      const r = await admin.request.patch(app.httpUrl + '/api/v1/plugins/webhooks', { headers: { 'x-csrf-token': csrfToken, origin: app.httpUrl }, data: { enabled: i % 2 === 1 } });
      assert.equal(r.status(), 200, await r.text());
    }
    await admin.selectOption('#audit-action', 'plugin.changed');
    await admin.locator('#audit-more').waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await audit.locator('tr').count(), 50);
    for (const text of await audit.locator('tr td:nth-child(3)').allTextContents()) assert.equal(text, 'plugin.changed');
    await admin.click('#audit-more');
    await admin.locator('#audit-more').waitFor({ state: 'hidden' });
    assert.equal(await audit.locator('tr').count(), 60);
    assert.match((await admin.textContent('#audit-count')) ?? '', /60 entries shown, the whole log/);
    await admin.selectOption('#audit-action', '');
    await admin.locator('#audit-more').waitFor({ state: 'visible' });
  });

  it('filters the events by type and severity and pages back, without the refresh undoing it', async () => {
    await admin.goto(app.httpUrl + '/#box');
    const list = admin.locator('#events-list li');
    await list.first().waitFor();
    await admin.selectOption('#events-type', 'plugin.*');
    await admin.locator('#events-more').waitFor({ state: 'visible', timeout: 15_000 });
    await admin.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('#events-list li').length === 50);
    for (const text of await admin.locator('#events-list li span:nth-child(2)').allTextContents()) assert.match(text, /^plugin\.changed /);
    await admin.click('#events-more');
    await admin.locator('#events-more').waitFor({ state: 'hidden', timeout: 15_000 });
    assert.equal(await list.count(), 60);
    // Several refresh periods later the paged list is still there.
    await admin.waitForTimeout(11_000);
    assert.equal(await list.count(), 60, 'the periodic refresh keeps the pages the user loaded');
    assert.match((await admin.textContent('#events-paused')) ?? '', /not added while you filter/);

    await admin.selectOption('#events-severity', 'warn');
    await admin.locator('#events-empty').waitFor({ state: 'visible', timeout: 15_000 });
    await admin.fill('#events-stream', 'live/nowhere');
    await admin.selectOption('#events-type', '');
    await admin.click('#events-apply');
    await admin.locator('#events-empty').waitFor({ state: 'visible' });
    await admin.click('#events-clear');
    await admin.locator('#events-empty').waitFor({ state: 'hidden' });
    assert.ok((await list.count()) > 0);
    const bad = await admin.evaluate(async () => (await fetch('api/v1/events?severity=loud', { credentials: 'same-origin' })).status);
    assert.equal(bad, 400, 'an unknown severity is refused');
  });

  it('has no serious accessibility problems and fits a phone on People and Box (screenshots)', async () => {
    for (const [screen, shot] of [['people', 'people'], ['box', 'box-events']] as const) {
      await admin.setViewportSize({ width: 1280, height: 800 });
      await admin.goto(`${app.httpUrl}/#${screen}`);
      await admin.locator(screen === 'people' ? '#audit-body tr' : '#events-list li').first().waitFor();
      assert.deepEqual(await seriousViolations(admin), [], `axe on ${screen}`);
      await admin.screenshot({ path: join(SHOTS, `${shot}-desktop.png`), fullPage: true });
      await admin.setViewportSize({ width: 390, height: 844 });
      await admin.waitForTimeout(300);
      assert.deepEqual(await sideways(admin, 390), [], `${screen} at 390×844`);
      assert.deepEqual(await seriousViolations(admin), [], `axe on ${screen} (phone)`);
      await admin.screenshot({ path: join(SHOTS, `${shot}-phone.png`), fullPage: true });
    }
    assert.deepEqual(errors, []);
  });
});
