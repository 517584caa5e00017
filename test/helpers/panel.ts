import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, headless, without the background traffic this machine's closed network refuses. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', ...extraArgs],
  });
}

/** First-run setup through the panel's form (admin + password), ending on the dashboard. */
export async function setUpAdmin(page: Page, baseUrl: string, password: string): Promise<void> {
  await page.goto(baseUrl + '/');
  await page.fill('#setup-username', 'admin');
  await page.fill('#setup-password', password);
  await page.fill('#setup-password2', password);
  await page.click('#setup-submit');
  await page.locator('#view-dashboard').waitFor({ state: 'visible' });
}

/** Open one of the panel's screens with its navigation link, as a user would. */
export async function openScreen(page: Page, name: string): Promise<void> {
  await page.click(`[data-nav="${name}"]`);
  await page.locator(`#screen-${name}`).waitFor({ state: 'visible' });
}
