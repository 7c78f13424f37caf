// The Deployments page in the end-to-end run (portal.e2e.mjs calls deploymentsChecks):
// mothership-sim onboards a handful of devices that take firmware jobs; an admin uploads an
// image (API), creates a rollout through the form (devices by search plus a selector, two
// waves, a dry-run preview, then Create) and watches the job page's counts reach Completed
// without a reload. A second rollout, paused, shows an admin Resume and Cancel; a viewer sees
// both rollouts with no buttons, and a device's page shows its firmware history.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { apiCall, apiLogin, sleep, startOnlineFleet } from './processes.mjs';

const DEVICES = 4;
const ROLLOUT_TIMEOUT_MS = 90_000;

async function uploadFirmware(base, token, version, model) {
  const query = new URLSearchParams({ version, model });
  const res = await fetch(`${base}/api/v1/firmware?${query}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
    body: randomBytes(32 * 1024),
  });
  const body = await res.json();
  if (res.status !== 201) throw new Error(`upload of ${version}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function waitFor(what, fn, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

export async function deploymentsChecks(ctx, { page, base, users, outDir, check, step, login, logout, assert, assertEqual }) {
  const model = `E2E-OTA-${randomBytes(3).toString('hex').toUpperCase()}`;
  const adminToken = await apiLogin(base, users.admin.username, users.admin.password);
  let devices = [];
  let firmware = null;
  let jobId = null;
  let pausedId = null;

  await step(`${DEVICES} simulated devices onboard and stay connected (mothership-sim)`, async () => {
    ({ devices } = await startOnlineFleet(ctx, {
      base,
      token: adminToken,
      model,
      devices: DEVICES,
      logFile: path.join(outDir, 'sim.log'),
    }));
  });

  await step('admin uploads firmware 2.0.0 for the model (API)', async () => {
    firmware = await uploadFirmware(base, adminToken, '2.0.0', model);
  });

  await step('admin creates a rollout in the Deployments page: a device by search and a selector, a preview, then Create', async () => {
    await login(page, base, users.admin.username, users.admin.password);
    await page.getByTestId('nav-deployments').click();
    await page.getByTestId('new-job-button').click();
    const form = page.getByTestId('create-job-form');
    await form.waitFor();
    await waitFor('the firmware among the choices', async () => (await page.locator(`[data-testid="job-firmware"] option[value="${firmware.id}"]`).count()) > 0, 10_000);
    await page.getByTestId('job-firmware').selectOption(firmware.id);
    const first = devices[0];
    await page.getByRole('textbox', { name: 'Devices', exact: true }).fill(first.serial);
    await page.getByRole('option', { name: `${first.serial} (${model})` }).click();
    await page.getByTestId('job-selector').fill(`model=${model}`);
    await page.getByTestId('job-waves').fill('50, 100');
    assert(await page.getByTestId('job-create').isDisabled(), 'Create is offered before a preview');
    await page.getByTestId('job-preview').click();
    const plan = page.getByTestId('job-plan');
    await plan.waitFor();
    assertEqual(await page.getByTestId('job-plan-targets').getAttribute('data-count'), String(DEVICES), 'devices in the preview');
    const waves = await page.getByTestId('job-plan-waves').innerText();
    assert(waves.includes(`1: ${DEVICES / 2}`) && waves.includes(`2: ${DEVICES}`), `wave plan: ${JSON.stringify(waves)}`);
    await page.screenshot({ path: path.join(outDir, 'admin-rollout-preview.png'), fullPage: true });
    await page.getByTestId('job-create').click();
    await page.waitForURL(/\/deployments\/job_/);
    jobId = new URL(page.url()).pathname.split('/').pop();
  });

  await check('the job page counts reach Completed live, without a reload, and the chart shows the history', async () => {
    await page.getByTestId('job-counts').waitFor();
    // A reload would lose this mark.
    await page.evaluate(() => {
      globalThis.__e2eNoReload = true;
    });
    const completed = page.getByTestId('job-count-completed');
    await waitFor(
      `the Completed count to reach ${DEVICES} (it is ${await completed.innerText().catch(() => '?')})`,
      async () => (await completed.innerText()).trim() === String(DEVICES),
      ROLLOUT_TIMEOUT_MS,
    );
    assertEqual(await page.evaluate(() => globalThis.__e2eNoReload === true), true, 'the page was not reloaded');
    assertEqual((await page.getByTestId('job-count-failed').innerText()).trim(), '0', 'failed');
    await waitFor('the job to show completed', async () => (await page.getByTestId('job-status').getAttribute('data-status')) === 'completed', 15_000);
    const points = Number(await page.getByTestId('progress-chart').getAttribute('data-points'));
    assert(points >= 2, `chart points: ${points}`);
    const succeeded = page.locator('[data-testid^="execution-row-"][data-status="SUCCEEDED"]');
    await waitFor(`${DEVICES} executions SUCCEEDED in the table`, async () => (await succeeded.count()) === DEVICES, 15_000);
    await page.screenshot({ path: path.join(outDir, 'admin-rollout-completed.png'), fullPage: true });
    // The history survives a reload: the samples come from the server.
    await page.reload();
    await page.getByTestId('progress-chart').waitFor();
    const again = Number(await page.getByTestId('progress-chart').getAttribute('data-points'));
    assert(again >= 2, `chart points after a reload: ${again}`);
  });

  await check('a paused rollout shows an admin Resume and Cancel', async () => {
    const next = await uploadFirmware(base, adminToken, '2.0.1', model);
    const created = await apiCall(base, adminToken, 'POST', '/api/v1/jobs', {
      firmware_id: next.id,
      targets: { selector: `model=${model}` },
      rollout: { max_per_minute: 1 },
      description: 'paused by the end-to-end test',
    });
    assertEqual(created.status, 201, `create (${JSON.stringify(created.body)})`);
    pausedId = created.body.id;
    const paused = await apiCall(base, adminToken, 'POST', `/api/v1/jobs/${pausedId}/pause`);
    assertEqual(paused.status, 200, 'pause');
    await page.goto(`${base}/deployments/${pausedId}`);
    await page.getByTestId('job-resume').waitFor();
    await page.getByTestId('job-cancel').waitFor();
    assertEqual(await page.getByTestId('job-pause').count(), 0, 'Pause buttons on a paused job');
  });
  await step('admin logs out', () => logout(page));

  await step('viewer logs in', () => login(page, base, users.viewer.username, users.viewer.password));
  await check('viewer sees both rollouts but no New rollout, Pause, Resume or Cancel', async () => {
    await page.getByTestId('nav-deployments').click();
    await page.getByTestId(`job-row-${jobId}`).waitFor();
    await page.getByTestId(`job-row-${pausedId}`).waitFor();
    assertEqual(await page.getByTestId('new-job-button').count(), 0, 'New rollout buttons');
    for (const id of [jobId, pausedId]) {
      await page.goto(`${base}/deployments/${id}`);
      await page.getByTestId('job-counts').waitFor();
      for (const button of ['job-pause', 'job-resume', 'job-cancel'])
        assertEqual(await page.getByTestId(button).count(), 0, `${button} on ${id}`);
    }
    await page.goto(`${base}/deployments/${jobId}`);
    await page.getByTestId('job-counts').waitFor();
    assertEqual((await page.getByTestId('job-count-completed').innerText()).trim(), String(DEVICES), 'completed as the viewer sees it');
  });
  await page.screenshot({ path: path.join(outDir, 'viewer-rollout.png'), fullPage: true });

  await check("a device's page shows its firmware history: 2.0.0 installed by the rollout", async () => {
    await page.goto(`${base}/devices/${devices[1].id}`);
    const entry = page.getByTestId(`firmware-history-${jobId}`);
    await entry.waitFor();
    const text = await entry.innerText();
    assert(text.includes('2.0.0') && text.includes('installed'), `history entry: ${JSON.stringify(text)}`);
    const now = await page.getByTestId('firmware-history-now').innerText();
    assert(/Reports 2\.0\.[01] now/.test(now), `reported now: ${JSON.stringify(now)}`);
  });
  await step('viewer logs out', () => logout(page));
}
