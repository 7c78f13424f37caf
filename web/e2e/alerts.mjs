// Alert rules and alerts in the end-to-end run (portal.e2e.mjs calls alertsChecks): an admin
// makes a rule on the Rules page (first with a condition that does not parse, whose error shows
// under the field), scoped to the model of a simulated device that is not running yet; with the
// Alerts page and, in a second tab, the Dashboard open, the device starts sending telemetry and
// the alert appears on both without a reload; the admin acknowledges it and both show the new
// state; deleting the rule clears it. A technician sees Alerts but neither Rules nor Reports, and
// gets the forbidden page on /rules and /reports.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { apiLogin, sleep, startOnlineFleet } from './processes.mjs';

const LIVE_TIMEOUT_MS = 30_000;

async function waitForAttribute(locator, name, value, timeoutMs = LIVE_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await locator.getAttribute(name);
    if (current === value) return;
    if (Date.now() > deadline) throw new Error(`${name} is ${JSON.stringify(current)}, expected ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

export async function alertsChecks(ctx, { page, base, users, outDir, check, step, login, logout, assert, assertEqual }) {
  const model = `E2E-ALR-${randomBytes(3).toString('hex').toUpperCase()}`;
  const ruleName = `e2e-any-reading-${randomBytes(2).toString('hex')}`;
  let dashboard = null;
  let deviceId = null;

  await step('admin logs in for the alerts checks', () => login(page, base, users.admin.username, users.admin.password));

  await check("admin's rule with a condition that does not parse shows the server's error under the field", async () => {
    await page.getByTestId('nav-rules').click();
    await page.getByTestId('create-rule-button').click();
    const dialog = page.getByRole('dialog', { name: 'Create rule' });
    await dialog.getByLabel('Name').fill(ruleName);
    await dialog.getByLabel('Condition').fill('temperature >> 5');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByTestId('rule-condition-position').waitFor();
    const field = dialog.locator('.mantine-InputWrapper-root').filter({ has: page.getByTestId('rule-condition') });
    const text = await field.innerText();
    assert(/\bat \d+/.test(text), `condition error shown: ${JSON.stringify(text)}`);
  });
  await page.screenshot({ path: path.join(outDir, 'admin-rule-bad-condition.png'), fullPage: true });

  await step('admin creates a rule on the Rules page that any reading of the model trips', async () => {
    const dialog = page.getByRole('dialog', { name: 'Create rule' });
    if (!(await dialog.isVisible())) {
      await page.getByTestId('nav-rules').click();
      await page.getByTestId('create-rule-button').click();
      await dialog.getByLabel('Name').fill(ruleName);
    }
    await dialog.getByLabel('Condition').fill('temperature > -1000');
    await dialog.getByLabel('Severity').selectOption('critical');
    await dialog.getByLabel('Model').fill(model);
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByTestId(`rule-row-${ruleName}`);
    await row.waitFor();
    const text = await row.innerText();
    assert(text.includes('temperature > -1000') && text.includes(`model ${model}`), `rule row: ${JSON.stringify(text)}`);
    assert(await row.getByRole('switch').isChecked(), 'the rule is not enabled');
  });

  await step('the Alerts page and the Dashboard (second tab) are open, live, without the alert', async () => {
    await page.getByTestId('nav-alerts').click();
    await waitForAttribute(page.getByTestId('live-indicator'), 'data-status', 'open');
    await page.getByTestId('alerts-table').or(page.getByTestId('alerts-empty')).first().waitFor();
    assertEqual(await page.locator('[data-testid^="alert-row-"]').filter({ hasText: ruleName }).count(), 0, 'alerts of the new rule');
    dashboard = await ctx.browser.newPage();
    dashboard.on('pageerror', (error) => ctx.pageErrors.push(`${dashboard.url()}: ${error.message}`));
    dashboard.on('console', (msg) => {
      if (msg.type() === 'error') ctx.consoleErrors.push(`${dashboard.url()}: ${msg.text()}`);
    });
    // The tab restores the session from the refresh cookie both tabs share.
    await dashboard.goto(`${base}/`);
    await dashboard.getByTestId('active-alerts').waitFor();
  });

  await check('a simulated device sends telemetry: the alert appears on the Alerts page and the Dashboard without a reload', async () => {
    const adminToken = await apiLogin(base, users.admin.username, users.admin.password);
    const fleet = await startOnlineFleet(ctx, {
      base,
      token: adminToken,
      model,
      devices: 1,
      telemetryIntervalS: 1,
      logFile: path.join(outDir, 'sim-alerts.log'),
    });
    deviceId = fleet.devices[0]?.id ?? null;
    const row = page.locator('[data-testid^="alert-row-"]').filter({ hasText: ruleName });
    await row.waitFor({ timeout: LIVE_TIMEOUT_MS });
    const text = await row.innerText();
    assert(text.includes(deviceId), `alert row names another device: ${JSON.stringify(text)}`);
    assertEqual(await row.getAttribute('data-state'), 'raised', 'state on the Alerts page');
    assert(/critical/i.test(text), `severity: ${JSON.stringify(text)}`);
    await dashboard.locator('[data-testid^="alert-"]').filter({ hasText: ruleName }).waitFor({ timeout: LIVE_TIMEOUT_MS });
  });
  await page.screenshot({ path: path.join(outDir, 'admin-alerts-raised.png'), fullPage: true });
  await dashboard?.screenshot({ path: path.join(outDir, 'admin-dashboard-alert.png'), fullPage: true });

  await check('admin acknowledges it with a note: both pages show it acknowledged', async () => {
    const row = page.locator('[data-testid^="alert-row-"]').filter({ hasText: ruleName });
    await row.getByRole('button', { name: `Acknowledge ${ruleName} on ${deviceId}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Acknowledge alert' });
    await dialog.getByLabel('Note').fill('looking into it (e2e)');
    await dialog.getByRole('button', { name: 'Acknowledge' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await waitForAttribute(row, 'data-state', 'acknowledged');
    assert((await row.innerText()).includes('looking into it (e2e)'), `row: ${JSON.stringify(await row.innerText())}`);
    assertEqual(await row.getByRole('button', { name: /Acknowledge/ }).count(), 0, 'Acknowledge buttons left');
    const entry = dashboard.locator('[data-testid^="alert-"]').filter({ hasText: ruleName });
    await waitForAttribute(entry, 'data-state', 'acknowledged');
  });
  await page.screenshot({ path: path.join(outDir, 'admin-alerts-acknowledged.png'), fullPage: true });

  await check('deleting the rule after confirmation clears its alert', async () => {
    await page.getByTestId('nav-rules').click();
    await page.getByRole('button', { name: `Delete ${ruleName}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete rule' });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId(`rule-row-${ruleName}`).waitFor({ state: 'detached' });
    await page.getByTestId('nav-alerts').click();
    await page.getByTestId('alerts-state-filter').getByText('Cleared', { exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('state') === 'cleared');
    // Until the cleared list arrives, the open one (from the cache) may still be on screen.
    const row = page.locator('[data-testid^="alert-row-"][data-state="cleared"]').filter({ hasText: ruleName });
    await row.waitFor();
    assert(/rule deleted/i.test(await row.innerText()), `cleared row: ${JSON.stringify(await row.innerText())}`);
  });

  await dashboard?.close();
  await step('admin logs out after the alerts checks', () => logout(page));

  await step('technician logs in for the alerts checks', () =>
    login(page, base, users.technician.username, users.technician.password),
  );
  await check('technician sees Alerts but neither Rules nor Reports, and is refused /rules and /reports', async () => {
    const nav = page.getByTestId('main-nav');
    await nav.getByTestId('nav-alerts').waitFor();
    assertEqual(await nav.getByTestId('nav-rules').count(), 0, 'Rules nav items');
    assertEqual(await nav.getByTestId('nav-reports').count(), 0, 'Reports nav items');
    for (const [address, text] of [
      ['/rules', 'You do not have permission to manage alert rules'],
      ['/reports', 'You do not have permission to use reports'],
    ]) {
      await page.goto(`${base}${address}`);
      const forbidden = page.getByTestId('forbidden');
      await forbidden.waitFor();
      assert((await forbidden.innerText()).includes(text), `${address}: ${await forbidden.innerText()}`);
      assertEqual(await page.getByTestId('create-rule-button').count(), 0, 'Create rule buttons');
      assertEqual(await page.getByRole('form', { name: 'Create report' }).count(), 0, 'report forms');
    }
  });
  await page.screenshot({ path: path.join(outDir, 'technician-rules-forbidden.png'), fullPage: true });
  await step('technician logs out after the alerts checks', () => logout(page));
}
