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
// It starts `mothership serve` on a free loopback port with a temporary data dir, logs in
// as the bootstrap admin, creates a technician and a viewer through the Users page, then
// checks per role what the navigation shows, what the Users page allows, and that the API
// itself refuses a viewer. Prints "N passed, M failed" last; exits non-zero on any failure.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverBin = process.env.MOTHERSHIP_BIN
  ? path.resolve(process.env.MOTHERSHIP_BIN)
  : path.resolve(webDir, '../build/debug/mothership');
const outDir = process.env.E2E_OUT ? path.resolve(process.env.E2E_OUT) : path.join(webDir, 'e2e-out');
const distDir = path.join(webDir, 'dist');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT_MS = 15_000;

const ALL_NAV = ['Dashboard', 'Devices', 'Onboard', 'Firmware', 'Deployments', 'Audit', 'Reports', 'Users'];
const EXPECTED_NAV = {
  admin: ALL_NAV,
  technician: ['Dashboard', 'Devices', 'Onboard', 'Firmware', 'Deployments'],
  viewer: ['Dashboard', 'Devices', 'Firmware', 'Deployments', 'Audit', 'Reports'],
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
// Server

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function startServer({ port, dataDir, adminPassword, logFile }) {
  const args = ['serve', '--data-dir', dataDir, '--http-listen', `127.0.0.1:${port}`, '--web-dir', distDir];
  console.log(`# starting ${serverBin} ${args.join(' ')}`);
  const child = spawn(serverBin, args, {
    env: { ...process.env, MOTHERSHIP_ADMIN_PASSWORD: adminPassword },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return child;
}

async function waitForHealthy(base, child, timeoutMs = 30_000) {
  let exited = null;
  void child.exited.then((e) => {
    exited = e;
  });
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exited) throw new Error(`server exited early (code ${exited.code}, signal ${exited.signal})`);
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await sleep(200);
  }
  throw new Error(`GET /healthz did not answer 200 within ${timeoutMs / 1000} s (last: ${last})`);
}

async function stopServer(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const stopped = await Promise.race([child.exited.then(() => true), sleep(10_000).then(() => false)]);
  if (!stopped) {
    console.log('# server ignored SIGTERM for 10 s; killing it');
    child.kill('SIGKILL');
    await child.exited;
  }
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
  await check('admin sees all 8 nav items', async () => {
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
  await step('admin logs out', () => logout(page));

  // --- technician -----------------------------------------------------------------------
  await step('technician logs in', () => login(page, base, users.technician.username, users.technician.password));
  await check('technician sees Dashboard, Devices, Onboard, Firmware, Deployments', async () => {
    assertEqual(await navLabels(page), EXPECTED_NAV.technician, 'technician nav');
  });
  await page.getByTestId('welcome-card').waitFor();
  await page.screenshot({ path: path.join(outDir, 'technician-landing.png'), fullPage: true });
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
    await logout(page);
    await login(page, base, users.technician.username, next);
    users.technician.password = next;
  });
  await step('technician logs out', () => ensureLoggedOut(page));

  // --- viewer ---------------------------------------------------------------------------
  await step('viewer logs in', () => login(page, base, users.viewer.username, users.viewer.password));
  await check('viewer sees Dashboard, Devices, Firmware, Deployments, Audit, Reports', async () => {
    assertEqual(await navLabels(page), EXPECTED_NAV.viewer, 'viewer nav');
  });
  await page.getByTestId('welcome-card').waitFor();
  await page.screenshot({ path: path.join(outDir, 'viewer-landing.png'), fullPage: true });
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

  await check('no uncaught errors in the page', () => {
    assert(ctx.pageErrors.length === 0, ctx.pageErrors.join('\n'));
  });
}

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
  const ctx = { base, adminPassword, browser: null, page: null, pageErrors: [], consoleErrors: [] };
  let server = null;

  const cleanup = async () => {
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
    await step('server answers GET /healthz with 200', () => waitForHealthy(base, server));
    await step('server serves the portal at /', async () => {
      const res = await fetch(`${base}/`);
      assertEqual(res.status, 200, 'GET / status');
      assert((await res.text()).includes('<div id="root">'), 'GET / is not the portal index.html');
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
