#!/usr/bin/env node
// End-to-end test of the portal against the real Mothership server, in Debian's chromium.
//
//   npm run e2e            (from web/; builds web/dist first if it is missing)
//
// Env:
//   MOTHERSHIP_BIN  server binary (default ../build/debug/mothership, relative to web/)
//   E2E_OUT         screenshots and logs (default web/e2e-out, gitignored)
//   CHROMIUM        browser binary (default /usr/bin/chromium)
//
//   PYTHON          python with paho-mqtt 1.x for the simulated device (default /usr/bin/python3)
//
// It starts `mothership serve` on a free loopback port with a temporary data dir and an MQTT
// TLS listener, logs in as the bootstrap admin, creates a technician and a viewer through the
// Users page, then checks per role what the navigation shows, what the Users and Registry
// pages allow, that a technician onboards a simulated device (e2e/sim_device.py, paho over
// TLS) by claiming it in the Onboard page and sees it connected, that the API itself
// refuses a viewer, and that an admin revokes and decommissions a connected device from its
// page, that an admin makes a group, adds a device and filters the device list by the group
// and by a label selector, and that an admin uploads firmware that a viewer then sees read
// only (firmware.mjs), and that an admin rolls firmware out to simulated devices (mothership-sim)
// from the Deployments page and watches it complete live while a viewer sees it read only
// (deployments.mjs), and that a viewer sees the fleet's counts and charts on the dashboard and a
// device's latest values and chart while simulated devices send telemetry (telemetry.mjs), that a
// viewer makes and downloads CSV reports, one exported from the audit log (reports.mjs), and that
// an admin makes an alert rule and watches its alert appear live and acknowledges it, while a
// technician has no Rules or Reports (alerts.mjs). The
// whole run is under the server's Content-Security-Policy, and any violation the browser reports
// fails it (csp.mjs). The server, API and device processes are in processes.mjs. Prints "N passed,
// M failed" last; exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { alertsChecks } from './alerts.mjs';
import { watchCsp } from './csp.mjs';
import { deploymentsChecks } from './deployments.mjs';
import { firmwareChecks } from './firmware.mjs';
import { reportsChecks } from './reports.mjs';
import { telemetryChecks } from './telemetry.mjs';
import {
  apiCall,
  apiLogin,
  distDir,
  freePort,
  serverBin,
  sleep,
  startDevice,
  startServer,
  stopServer,
  tlsPort,
  waitForHealthy,
  webDir,
} from './processes.mjs';

const outDir = process.env.E2E_OUT ? path.resolve(process.env.E2E_OUT) : path.join(webDir, 'e2e-out');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT_MS = 15_000;

const ALL_NAV = [
  'Dashboard',
  'Devices',
  'Groups',
  'Onboard',
  'Registry',
  'Firmware',
  'Deployments',
  'Alerts',
  'Rules',
  'Audit',
  'Reports',
  'Users',
];
const EXPECTED_NAV = {
  admin: ALL_NAV,
  technician: ['Dashboard', 'Devices', 'Groups', 'Onboard', 'Registry', 'Firmware', 'Deployments', 'Alerts'],
  viewer: ['Dashboard', 'Devices', 'Groups', 'Firmware', 'Deployments', 'Alerts', 'Audit', 'Reports'],
};

// ---------------------------------------------------------------------------------------
// Results

let passed = 0;
let failed = 0;

class Abort extends Error {}

/** A check whose failure is counted and reported; the run goes on. */
async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok   - ${name}`);
    return true;
  } catch (error) {
    failed += 1;
    console.log(`FAIL - ${name}\n       ${String(error?.message ?? error).split('\n').join('\n       ')}`);
    return false;
  }
}

/** A step the rest depends on: a failure is counted and ends the run. */
async function step(name, fn) {
  if (!(await check(name, fn))) throw new Abort(name);
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

// ---------------------------------------------------------------------------------------
// Portal helpers

/** Remembers the newest access token the page got from login or refresh. */
function trackAccessToken(page) {
  const state = { token: null };
  page.on('response', async (res) => {
    const url = new URL(res.url());
    if (res.request().method() !== 'POST' || !res.ok()) return;
    if (url.pathname !== '/api/v1/auth/login' && url.pathname !== '/api/v1/auth/refresh') return;
    try {
      const body = await res.json();
      if (typeof body.access_token === 'string') state.token = body.access_token;
    } catch {
      /* the page navigated away; the next response will do */
    }
  });
  return state;
}

async function login(page, base, username, password) {
  await page.goto(`${base}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  const outcome = await Promise.race([
    page.getByTestId('user-display-name').waitFor().then(() => 'ok'),
    page.getByTestId('login-error').waitFor().then(() => 'error'),
  ]);
  if (outcome === 'error') {
    throw new Error(`login as ${username} failed: ${await page.getByTestId('login-error').innerText()}`);
  }
}

/** Logs out unless already on the login page (e.g. after a failed check). */
async function ensureLoggedOut(page) {
  if (await page.getByTestId('login-submit').isVisible()) return;
  await logout(page);
}

async function logout(page) {
  await page.getByTestId('logout-button').click();
  await page.getByTestId('login-submit').waitFor();
  assert(new URL(page.url()).pathname === '/login', `expected /login after logout, at ${page.url()}`);
}

async function navLabels(page) {
  const nav = page.getByTestId('main-nav');
  await nav.locator('[data-testid^="nav-"]').first().waitFor();
  return (await nav.locator('[data-testid^="nav-"]').allInnerTexts()).map((t) => t.trim());
}

async function createUserViaUi(page, { username, displayName, role, password }) {
  await page.getByTestId('create-user-button').click();
  const dialog = page.getByRole('dialog', { name: 'Create user' });
  await dialog.waitFor();
  await dialog.getByTestId('create-user-username').fill(username);
  await dialog.getByTestId('create-user-display-name').fill(displayName);
  await dialog.getByTestId('create-user-role').selectOption(role);
  await dialog.getByTestId('create-user-password').fill(password);
  await dialog.getByTestId('create-user-submit').click();
  const outcome = await Promise.race([
    page.getByTestId(`user-row-${username}`).waitFor().then(() => 'ok'),
    dialog.getByTestId('create-user-error').waitFor().then(() => 'error'),
  ]);
  if (outcome === 'error') {
    throw new Error(`create ${username}: ${await dialog.getByTestId('create-user-error').innerText()}`);
  }
  await dialog.waitFor({ state: 'hidden' });
  const shownRole = await page.getByTestId(`role-select-${username}`).inputValue();
  assertEqual(shownRole, role, `role shown for ${username}`);
}

async function waitForAttribute(locator, name, value, timeoutMs = TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await locator.getAttribute(name);
    if (current === value) return;
    if (Date.now() > deadline) throw new Error(`${name} is ${JSON.stringify(current)}, expected ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------
// The run

async function run(ctx) {
  const { base, adminPassword } = ctx;
  const users = {
    admin: { username: 'admin', password: adminPassword },
    technician: { username: 'e2e-tech', displayName: 'Tess Technician', password: `tech-${randomBytes(9).toString('base64url')}` },
    viewer: { username: 'e2e-viewer', displayName: 'Vic Viewer', password: `view-${randomBytes(9).toString('base64url')}` },
  };

  const page = await ctx.browser.newPage();
  ctx.page = page;
  page.setDefaultTimeout(TIMEOUT_MS);
  const token = trackAccessToken(page);
  page.on('pageerror', (error) => ctx.pageErrors.push(`${page.url()}: ${error.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') ctx.consoleErrors.push(`${page.url()}: ${msg.text()}`);
  });

  // --- admin ----------------------------------------------------------------------------
  await step('admin logs in through the login page', () => login(page, base, users.admin.username, adminPassword));
  await check('admin lands on the dashboard', async () => {
    await page.getByTestId('welcome-card').waitFor();
    assertEqual(new URL(page.url()).pathname, '/', 'landing path');
  });
  await check(`admin sees all ${ALL_NAV.length} nav items`, async () => {
    assertEqual(await navLabels(page), EXPECTED_NAV.admin, 'admin nav');
  });
  await check('header shows the role badge', async () => {
    assertEqual((await page.getByTestId('user-role').innerText()).trim().toLowerCase(), 'admin', 'role badge');
  });
  await page.screenshot({ path: path.join(outDir, 'admin-landing.png'), fullPage: true });

  await step('admin opens the Users page', async () => {
    await page.getByTestId('nav-users').click();
    await page.getByTestId('user-row-admin').waitFor();
  });
  await check('"Create user" button exists for admin', async () => {
    assertEqual(await page.getByTestId('create-user-button').count(), 1, 'Create user buttons');
  });
  await step('admin creates a technician through the Users page', () =>
    createUserViaUi(page, { ...users.technician, role: 'technician' }),
  );
  await step('admin creates a viewer through the Users page', () =>
    createUserViaUi(page, { ...users.viewer, role: 'viewer' }),
  );
  await check('demoting the last admin shows the server problem in a notification', async () => {
    await page.getByTestId('role-select-admin').selectOption('viewer');
    const note = page.locator('.mantine-Notification-root').filter({ hasText: 'Could not change the role of admin' });
    await note.first().waitFor();
    const text = await note.first().innerText();
    assert(text.split('\n').filter((l) => l.trim()).length >= 2, `notification has no detail: ${JSON.stringify(text)}`);
    // The select goes back to what the server holds.
    const deadline = Date.now() + TIMEOUT_MS;
    while ((await page.getByTestId('role-select-admin').inputValue()) !== 'admin') {
      assert(Date.now() < deadline, 'the role select did not go back to admin');
      await sleep(100);
    }
  });
  await page.screenshot({ path: path.join(outDir, 'admin-users.png'), fullPage: true });
  await check('admin reads the audit log (user creation is in it)', async () => {
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-row').first().waitFor();
    const actions = await page.getByTestId('audit-table').innerText();
    assert(/user/i.test(actions), 'no user-related audit entries shown');
  });
  await page.screenshot({ path: path.join(outDir, 'admin-audit.png'), fullPage: true });

  // --- registry (admin) ------------------------------------------------------------------
  const serial = `E2E-${randomBytes(4).toString('hex').toUpperCase()}`;
  const claimCode = `CODE-${randomBytes(9).toString('base64url')}`;
  await check('admin imports a CSV with a bad line in the Registry page and sees the line error', async () => {
    await page.getByTestId('nav-registry').click();
    await page.getByTestId('registry-import').waitFor();
    const csv = `serial,model,hw_revision,claim_code\n${serial}-OK,Thermo,rev1,CODE-1\n${serial}-BAD,Thermo\n`;
    await page
      .getByTestId('registry-import')
      .locator('input[type="file"]')
      .setInputFiles({ name: 'bad-batch.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('registry-file').waitFor();
    await page.getByTestId('registry-import-submit').click();
    await page.getByTestId('registry-import-line-error').first().waitFor();
    const rows = await page.getByTestId('registry-import-line-error').allInnerTexts();
    assertEqual(rows.length, 1, `line errors shown (${JSON.stringify(rows)})`);
    assert(/^3\s/.test(rows[0] ?? ''), `the error is not on line 3: ${JSON.stringify(rows[0])}`);
    // All or nothing: the good line was not imported either.
    await page.getByTestId('registry-search').fill(serial);
    await page.getByTestId('registry-apply').click();
    await page.getByTestId('registry-empty').waitFor();
  });
  await page.screenshot({ path: path.join(outDir, 'admin-registry-import-error.png'), fullPage: true });
  await step('admin imports the record of the device to onboard (API)', async () => {
    const adminToken = await apiLogin(base, users.admin.username, adminPassword);
    const res = await apiCall(base, adminToken, 'POST', '/api/v1/registry/import', `${serial},Thermo,rev1,${claimCode}\n`, 'text/csv');
    assertEqual(res.status, 200, `import status (${JSON.stringify(res.body)})`);
  });
  await check('the imported record is listed in the Registry page', async () => {
    await page.getByTestId('registry-search').fill(serial);
    await page.getByTestId('registry-apply').click();
    await page.getByTestId(`registry-row-${serial}`).waitFor();
  });
  await step('admin logs out', () => logout(page));

  // --- technician -----------------------------------------------------------------------
  await step('technician logs in', () => login(page, base, users.technician.username, users.technician.password));
  await check('technician sees Dashboard, Devices, Groups, Onboard, Registry, Firmware, Deployments, Alerts', async () => {
    assertEqual(await navLabels(page), EXPECTED_NAV.technician, 'technician nav');
  });
  await page.getByTestId('welcome-card').waitFor();
  await page.screenshot({ path: path.join(outDir, 'technician-landing.png'), fullPage: true });
  await check('technician sees the registry read-only (no import, no unlock)', async () => {
    await page.getByTestId('nav-registry').click();
    await page.getByTestId(`registry-row-${serial}`).waitFor();
    assertEqual(await page.getByTestId('registry-import').count(), 0, 'import panels');
    assertEqual(await page.getByRole('button', { name: 'Unlock' }).count(), 0, 'Unlock buttons');
  });

  // --- onboarding (technician) -----------------------------------------------------------
  let deviceId = null;
  await check('technician claims a simulated device that said hello and sees it connected', async () => {
    const ca = await fetch(`${base}/pki/ca.pem`);
    assertEqual(ca.status, 200, 'GET /pki/ca.pem');
    const caFile = path.join(ctx.tmp, 'ca.pem');
    writeFileSync(caFile, await ca.text());
    const device = startDevice({
      port: await tlsPort(ctx.server),
      caFile,
      serial,
      code: claimCode,
      logFile: path.join(outDir, 'device.log'),
    });
    ctx.devices.push(device);
    await device.next('hello', 30_000);

    await page.getByTestId('nav-onboard').click();
    await waitForAttribute(page.getByTestId('live-indicator'), 'data-status', 'open');
    // The hello arrives as a live event; the list shows the device waiting for a technician.
    const row = page.getByTestId(`pending-row-${serial}`);
    await row.waitFor();
    assert(/awaiting approval/i.test(await row.innerText()), `pending row: ${await row.innerText()}`);
    await page.screenshot({ path: path.join(outDir, 'technician-onboard-pending.png'), fullPage: true });
    await page.getByTestId(`pending-claim-${serial}`).click();
    assertEqual(await page.getByTestId('claim-serial').inputValue(), serial, 'serial filled in from the list');
    await page.getByTestId('claim-code').fill(claimCode);
    await page.getByTestId('claim-submit').click();
    await page.getByTestId('onboarding-progress').waitFor();

    deviceId = await device.next('certificate', 60_000);
    await device.next('connected', 60_000);
    await page.getByTestId('onboarding-connected').waitFor({ timeout: 60_000 });
    for (const step of ['waiting_for_device', 'verified', 'certificate_issued', 'connected']) {
      assertEqual(await page.getByTestId(`onboarding-step-${step}`).getAttribute('data-reached'), 'true', `step ${step}`);
    }
  });
  await page.screenshot({ path: path.join(outDir, 'technician-onboard-connected.png'), fullPage: true });
  await check('a claim for an unknown serial says so', async () => {
    await page.getByTestId('claim-serial').fill(`${serial}-NOPE`);
    await page.getByTestId('claim-code').fill('wrong');
    await page.getByTestId('claim-submit').click();
    const text = await page.getByTestId('claim-error').innerText();
    assert(/Unknown serial/.test(text), `claim error: ${JSON.stringify(text)}`);
  });
  await check('technician sees the device online in the Devices page', async () => {
    assert(deviceId, 'no device id from the onboarding');
    await page.getByTestId('nav-devices').click();
    await page.getByTestId('devices-search').fill(serial);
    await page.getByTestId('devices-apply').click();
    const row = page.getByTestId(`device-row-${serial}`);
    await row.waitFor();
    assertEqual((await row.getByTestId('device-status').innerText()).trim().toLowerCase(), 'online', 'status badge');
  });
  await check('the device page shows its certificate and reported state, no admin buttons for a technician', async () => {
    await page.getByTestId(`device-row-${serial}`).getByRole('link', { name: serial }).click();
    await page.getByTestId('certificate-row').first().waitFor();
    // (Badges are upper-cased by CSS, and innerText shows what is rendered.)
    const certificate = await page.getByTestId('certificate-row').first().innerText();
    assert(/\bactive\b/i.test(certificate), `certificate row: ${JSON.stringify(certificate)}`);
    await page.getByTestId('reported-state').waitFor();
    assertEqual(await page.getByTestId('revoke-button').count(), 0, 'Revoke buttons');
    assertEqual(await page.getByTestId('decommission-button').count(), 0, 'Decommission buttons');
  });
  await page.screenshot({ path: path.join(outDir, 'technician-device.png'), fullPage: true });
  await check('technician gets the forbidden message on /users and no "Create user" button', async () => {
    await page.goto(`${base}/users`);
    await page.getByTestId('forbidden').waitFor();
    assertEqual(await page.getByTestId('create-user-button').count(), 0, 'Create user buttons');
  });
  await check('technician changes their own password', async () => {
    const next = `${users.technician.password}-2`;
    await page.getByTestId('change-password-button').click();
    const dialog = page.getByRole('dialog', { name: 'Change password' });
    await dialog.getByTestId('current-password').fill(users.technician.password);
    await dialog.getByTestId('new-password').fill(next);
    await dialog.getByTestId('confirm-password').fill(next);
    await dialog.getByTestId('change-password-submit').click();
    await dialog.waitFor({ state: 'hidden' });
    // The change revoked every token of the account, so the portal logs out by itself.
    await page.getByTestId('login-submit').waitFor();
    await login(page, base, users.technician.username, next);
    users.technician.password = next;
  });
  await step('technician logs out', () => ensureLoggedOut(page));

  // --- viewer ---------------------------------------------------------------------------
  await step('viewer logs in', () => login(page, base, users.viewer.username, users.viewer.password));
  await check('viewer sees Dashboard, Devices, Groups, Firmware, Deployments, Alerts, Audit, Reports', async () => {
    assertEqual(await navLabels(page), EXPECTED_NAV.viewer, 'viewer nav');
  });
  await page.getByTestId('welcome-card').waitFor();
  await page.screenshot({ path: path.join(outDir, 'viewer-landing.png'), fullPage: true });
  await check('viewer has no Onboard or Registry page, even by address', async () => {
    const labels = await navLabels(page);
    assert(!labels.includes('Onboard') && !labels.includes('Registry'), `viewer nav: ${labels.join(', ')}`);
    for (const [address, text] of [
      ['/onboard', 'You do not have permission to onboard devices'],
      ['/registry', 'You do not have permission to view the registry'],
    ]) {
      await page.goto(`${base}${address}`);
      const forbidden = page.getByTestId('forbidden');
      await forbidden.waitFor();
      assert((await forbidden.innerText()).includes(text), `${address}: ${await forbidden.innerText()}`);
      assertEqual(await page.getByTestId('claim-submit').count(), 0, 'claim forms');
      assertEqual(await page.getByTestId('registry-table').count(), 0, 'registry tables');
    }
  });
  await check('viewer sees the device page with its connection history but no admin buttons', async () => {
    assert(deviceId, 'no device was onboarded');
    await page.goto(`${base}/devices/${deviceId}`);
    await page.getByTestId('connection-row').first().waitFor();
    const history = await page.getByTestId('connection-history').innerText();
    assert(/\bconnected\b/i.test(history), `connection history: ${JSON.stringify(history)}`);
    assertEqual(await page.getByTestId('revoke-button').count(), 0, 'Revoke buttons');
  });
  await check('viewer sees the device go offline live when it disconnects (device.updated)', async () => {
    assert(deviceId, 'no device was onboarded');
    await page.goto(`${base}/devices?q=${encodeURIComponent(serial)}`);
    const status = page.getByTestId(`device-row-${serial}`).getByTestId('device-status');
    await status.waitFor();
    assertEqual((await status.innerText()).trim().toLowerCase(), 'online', 'status before');
    await waitForAttribute(page.getByTestId('live-indicator'), 'data-status', 'open');
    for (const device of ctx.devices.splice(0)) await device.stop();
    // No reload: the row changes when the event arrives (polling would take 30 s).
    const deadline = Date.now() + 10_000;
    while ((await status.innerText()).trim().toLowerCase() !== 'offline') {
      assert(Date.now() < deadline, 'the status did not turn offline within 10 s');
      await sleep(100);
    }
  });
  await page.screenshot({ path: path.join(outDir, 'viewer-devices-offline.png'), fullPage: true });
  await check('viewer navigating directly to /users sees the forbidden message', async () => {
    await page.goto(`${base}/users`);
    const forbidden = page.getByTestId('forbidden');
    await forbidden.waitFor();
    const text = await forbidden.innerText();
    assert(text.includes('You do not have permission to manage users'), `forbidden text: ${JSON.stringify(text)}`);
    assertEqual(await page.getByTestId('create-user-button').count(), 0, 'Create user buttons');
  });
  await page.screenshot({ path: path.join(outDir, 'viewer-forbidden.png'), fullPage: true });
  await check('viewer GET /api/v1/users with its bearer token is 403 problem+json', async () => {
    assert(token.token, 'the page never received an access token');
    const answer = await page.evaluate(async (accessToken) => {
      const res = await fetch('/api/v1/users', { headers: { Authorization: `Bearer ${accessToken}` } });
      let body = null;
      try {
        body = await res.json();
      } catch {
        body = null;
      }
      return { status: res.status, contentType: res.headers.get('content-type'), body };
    }, token.token);
    assertEqual(answer.status, 403, 'status');
    assert(
      (answer.contentType ?? '').startsWith('application/problem+json'),
      `content-type ${JSON.stringify(answer.contentType)}`,
    );
    assertEqual(answer.body?.type, 'https://mothership.dev/problems/forbidden', 'problem type');
    assertEqual(answer.body?.status, 403, 'problem status');
    assert(typeof answer.body?.detail === 'string' && answer.body.detail.length > 0, 'problem has no detail');
  });
  await check('viewer can read the audit log', async () => {
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-row').first().waitFor();
  });
  await check('an unknown route shows the 404 page', async () => {
    await page.goto(`${base}/no/such/page`);
    await page.getByTestId('not-found').waitFor();
  });
  await step('viewer logs out', () => logout(page));

  await check('after logout the session is not restored on reload', async () => {
    await page.goto(`${base}/audit`);
    await page.getByTestId('login-submit').waitFor();
    assertEqual(new URL(page.url()).pathname, '/login', 'path after reload');
  });

  // --- admin: revoke and decommission a live device from its page -----------------------
  const serial2 = `${serial}-R`;
  const claimCode2 = `CODE-${randomBytes(9).toString('base64url')}`;
  let device2Id = null;
  let device2 = null;
  await step('admin logs in again; a second device is onboarded through the API', async () => {
    await login(page, base, users.admin.username, adminPassword);
    const adminToken = await apiLogin(base, users.admin.username, adminPassword);
    const imported = await apiCall(base, adminToken, 'POST', '/api/v1/registry/import', `${serial2},Thermo,rev1,${claimCode2}\n`, 'text/csv');
    assertEqual(imported.status, 200, `import status (${JSON.stringify(imported.body)})`);
    device2 = startDevice({
      port: await tlsPort(ctx.server),
      caFile: path.join(ctx.tmp, 'ca.pem'),
      serial: serial2,
      code: claimCode2,
      logFile: path.join(outDir, 'device-revoked.log'),
    });
    ctx.devices.push(device2);
    await device2.next('hello', 30_000);
    const claimed = await apiCall(base, adminToken, 'POST', '/api/v1/onboarding', { serial: serial2, claim_code: claimCode2 });
    assert(claimed.status === 200 || claimed.status === 202, `claim status ${claimed.status} (${JSON.stringify(claimed.body)})`);
    device2Id = await device2.next('certificate', 60_000);
    await device2.next('connected', 60_000);
  });
  await check('admin creates a group, adds a device, and filters the device list by the group and by a selector', async () => {
    const groupName = `e2e-roof-${randomBytes(3).toString('hex')}`;
    await page.getByTestId('nav-groups').click();
    await page.getByTestId('create-group-button').click();
    await page.getByTestId('group-name').fill(groupName);
    await page.getByTestId('group-description').fill('Made by the browser test');
    await page.getByTestId('group-submit').click();
    const groupRow = page.getByTestId(`group-row-${groupName}`);
    await groupRow.waitFor();
    await groupRow.getByRole('link', { name: groupName }).click();
    await page.getByTestId('add-devices-ids').fill(device2Id);
    await page.getByTestId('add-devices-submit').click();
    await page.getByTestId(`member-row-${serial2}`).waitFor();
    await page.screenshot({ path: path.join(outDir, 'admin-group.png'), fullPage: true });

    // By group: the dropdown of the device list holds it, and only its member is listed.
    await page.getByTestId('nav-devices').click();
    await page.getByTestId(`device-row-${serial}`).waitFor();
    await page.getByTestId('devices-group').selectOption({ label: groupName });
    await page.getByTestId('devices-apply').click();
    // The old list holds both devices: first the one outside the group goes, then the member shows.
    await page.getByTestId(`device-row-${serial}`).waitFor({ state: 'detached' });
    await page.getByTestId(`device-row-${serial2}`).waitFor();
    assertEqual(await page.locator('[data-testid^="device-row-"]').count(), 1, 'device rows in the group');
    assertEqual(new URL(page.url()).searchParams.get('group')?.startsWith('grp_'), true, 'group in the URL');

    // By selector: a label set through the API, then a selector over it and the model.
    const adminToken = await apiLogin(base, users.admin.username, adminPassword);
    const labelled = await apiCall(base, adminToken, 'PATCH', `/api/v1/devices/${device2Id}`, { labels: { ring: 'e2e canary' } });
    assertEqual(labelled.status, 200, `PATCH labels (${JSON.stringify(labelled.body)})`);
    await page.getByTestId('devices-group').selectOption('');
    await page.getByTestId('devices-selector').fill('model=Thermo, ring in (e2e canary, other)');
    await page.getByTestId('devices-apply').click();
    await page.getByTestId(`device-row-${serial}`).waitFor({ state: 'detached' });
    await page.getByTestId(`device-row-${serial2}`).waitFor();
    assertEqual(await page.locator('[data-testid^="device-row-"]').count(), 1, 'device rows the selector picks');
    await page.getByTestId('devices-selector').fill('!ring');
    await page.getByTestId('devices-apply').click();
    await page.getByTestId(`device-row-${serial}`).waitFor();
    await page.getByTestId(`device-row-${serial2}`).waitFor({ state: 'detached' });

    // A selector that does not parse: the server's 422 detail, with the position, under the box.
    await page.getByTestId('devices-selector').fill('ring in (e2e');
    await page.getByTestId('devices-apply').click();
    await page.getByTestId('devices-bad-selector').waitFor();
    const field = page.locator('.mantine-InputWrapper-root').filter({ has: page.getByTestId('devices-selector') });
    const text = await field.innerText();
    assert(/at position 13/.test(text), `selector error shown: ${JSON.stringify(text)}`);
  });
  await page.screenshot({ path: path.join(outDir, 'admin-devices-bad-selector.png'), fullPage: true });
  await check("admin revokes a connected device's certificate on its page: it is dropped, refused, listed revoked", async () => {
    await page.goto(`${base}/devices/${device2Id}`);
    await page.getByTestId('certificate-row').first().waitFor();
    await page.getByTestId('revoke-button').click();
    const confirm = page.getByTestId('confirm-device-action');
    assert(await confirm.isDisabled(), 'Revoke is enabled before the serial is typed');
    await page.getByTestId('confirm-serial').fill(serial2);
    await confirm.click();
    await confirm.waitFor({ state: 'hidden' });
    // The broker drops it at once with 0x98 (administrative action) and refuses the same
    // certificate afterwards with 0x87 (not authorized).
    assertEqual(await device2.next('dropped', 15_000), '152', 'DISCONNECT reason');
    assertEqual(await device2.next('reconnect', 15_000), '135', 'CONNACK reason on the second try');
    const certificate = page.getByTestId('certificate-row').first();
    const deadline = Date.now() + 10_000;
    while (!/\brevoked\b/i.test(await certificate.innerText())) {
      assert(Date.now() < deadline, `certificate row: ${JSON.stringify(await certificate.innerText())}`);
      await sleep(100);
    }
    assert(await page.getByTestId('revoke-button').isDisabled(), 'Revoke is still enabled with no active certificate');
    // Whichever came first, the revoke's answer or the live event of the drop, it shows offline.
    const identity = page.getByTestId('device-identity');
    while (!/\boffline\b/i.test(await identity.innerText())) {
      assert(Date.now() < deadline, `device identity: ${JSON.stringify(await identity.innerText())}`);
      await sleep(100);
    }
  });
  await page.screenshot({ path: path.join(outDir, 'admin-device-revoked.png'), fullPage: true });
  await check('admin decommissions it, then re-enables its record in the Registry page', async () => {
    await page.getByTestId('decommission-button').click();
    await page.getByTestId('confirm-serial').fill(serial2);
    await page.getByTestId('confirm-device-action').click();
    await page.getByTestId('confirm-device-action').waitFor({ state: 'hidden' });
    const deadline = Date.now() + 10_000;
    while (!(await page.getByTestId('decommission-button').isDisabled())) {
      assert(Date.now() < deadline, 'Decommission is still enabled after decommissioning');
      await sleep(100);
    }
    await page.getByTestId('nav-registry').click();
    await page.getByTestId('registry-search').fill(serial2);
    await page.getByTestId('registry-apply').click();
    const row = page.getByTestId(`registry-row-${serial2}`);
    await row.waitFor();
    assert(/decommissioned/i.test(await row.innerText()), `registry row: ${JSON.stringify(await row.innerText())}`);
    await page.getByTestId(`registry-re-enable-${serial2}`).click();
    await page.getByTestId(`registry-re-enable-${serial2}`).waitFor({ state: 'detached' });
    assert(/manufactured/i.test(await row.innerText()), `registry row after re-enable: ${JSON.stringify(await row.innerText())}`);
  });
  await page.screenshot({ path: path.join(outDir, 'admin-registry-re-enabled.png'), fullPage: true });
  await step('admin logs out', () => logout(page));

  // --- firmware (admin uploads, viewer reads): e2e/firmware.mjs --------------------------
  const helpers = { page, base, users, outDir, check, step, login, logout, assert, assertEqual };
  await firmwareChecks(helpers);
  await deploymentsChecks(ctx, helpers);
  await telemetryChecks(ctx, helpers);
  await reportsChecks(helpers);
  await alertsChecks(ctx, helpers);

  await check('no uncaught errors in the page', () => {
    assert(ctx.pageErrors.length === 0, ctx.pageErrors.join('\n'));
  });
}

const PORTAL_CSP = "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'";

async function main() {
  mkdirSync(outDir, { recursive: true });
  if (!existsSync(serverBin)) {
    failed += 1;
    console.log(`FAIL - server binary not found at ${serverBin} (set MOTHERSHIP_BIN)`);
    return;
  }
  if (!existsSync(path.join(distDir, 'index.html'))) {
    console.log('# web/dist is missing: running npm run build');
    const built = spawnSync('npm', ['run', 'build'], { cwd: webDir, stdio: 'inherit' });
    if (built.status !== 0) {
      failed += 1;
      console.log('FAIL - npm run build');
      return;
    }
  }

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'mothership-e2e-'));
  const dataDir = path.join(tmp, 'data');
  const profileDir = path.join(tmp, 'chromium-profile');
  mkdirSync(dataDir);
  const adminPassword = `Adm1n-${randomBytes(18).toString('base64url')}`;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const ctx = {
    base,
    adminPassword,
    tmp,
    server: null,
    devices: [],
    browser: null,
    page: null,
    pageErrors: [],
    consoleErrors: [],
    cspViolations: [],
  };
  let server = null;

  const cleanup = async () => {
    for (const device of ctx.devices.splice(0)) await device.stop();
    if (ctx.browser) await ctx.browser.close().catch(() => undefined);
    ctx.browser = null;
    await stopServer(server);
    rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    console.log(`# ${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    server = startServer({ port, dataDir, adminPassword, logFile: path.join(outDir, 'server.log') });
    ctx.server = server;
    await step('server answers GET /healthz with 200', () => waitForHealthy(base, server));
    await step('server serves the portal at /', async () => {
      const res = await fetch(`${base}/`);
      assertEqual(res.status, 200, 'GET / status');
      assert((await res.text()).includes('<div id="root">'), 'GET / is not the portal index.html');
      const csp = res.headers.get('content-security-policy') ?? '';
      assert(csp.startsWith(PORTAL_CSP), `GET / Content-Security-Policy is "${csp}"`);
      const deep = await fetch(`${base}/users`);
      assertEqual(deep.status, 200, 'GET /users (SPA fallback) status');
    });
    ctx.browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 800 },
    });
    ctx.cspViolations = await watchCsp(ctx.browser);
    await run(ctx);
  } catch (error) {
    if (!(error instanceof Abort)) {
      failed += 1;
      console.log(`FAIL - unexpected error: ${error?.stack ?? error}`);
    } else {
      console.log(`# stopped after a failed step: ${error.message}`);
    }
    if (ctx.page) {
      await ctx.page.screenshot({ path: path.join(outDir, 'failure.png'), fullPage: true }).catch(() => undefined);
      console.log(`# page at failure: ${ctx.page.url()} (failure.png)`);
    }
  } finally {
    // Counted even when a step aborted the run: a blocked script or style is often why it did.
    if (ctx.cspViolations.length) {
      failed += 1;
      console.log(`FAIL - Content-Security-Policy violations in the browser:\n       ${ctx.cspViolations.join('\n       ')}`);
    } else if (ctx.browser) {
      passed += 1;
      console.log('ok   - no Content-Security-Policy violations in the browser');
    }
    if (ctx.consoleErrors.length) {
      console.log(`# browser console errors:\n#   ${ctx.consoleErrors.join('\n#   ')}`);
    }
    await cleanup();
    console.log(`# screenshots and server.log in ${outDir}`);
  }
}

await main();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
