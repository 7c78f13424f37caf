// Telemetry in the end-to-end run (portal.e2e.mjs calls telemetryChecks): mothership-sim
// onboards two devices that publish a reading every second; a viewer (made through the API)
// sees the fleet's counts and its devices-online chart drawn on the dashboard, then a device's
// page with its latest values and a chart of its readings, drawn by recharts with points.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { apiCall, apiLogin, sleep, startOnlineFleet } from './processes.mjs';

const DEVICES = 2;
const READING_KEYS = ['battery', 'door_open', 'rssi', 'temperature', 'uptime_s'];

async function waitFor(what, fn, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

/** The number in a data attribute, 0 while the element is not there. */
async function dataNumber(locator, name) {
  if ((await locator.count()) === 0) return 0;
  return Number((await locator.getAttribute(name)) ?? 0);
}

/** How many of the chart's SVG paths of `selector` have drawing commands (a line, not a lone point). */
function drawnPaths(locator, selector) {
  return locator.evaluate(
    (element, css) => [...element.querySelectorAll(css)].filter((p) => /[LC]/.test(p.getAttribute('d') ?? '')).length,
    selector,
  );
}

export async function telemetryChecks(ctx, { page, base, users, outDir, check, step, login, logout, assert, assertEqual }) {
  const model = `E2E-TLM-${randomBytes(3).toString('hex').toUpperCase()}`;
  const adminToken = await apiLogin(base, users.admin.username, users.admin.password);
  const viewer = { username: 'e2e-telemetry-viewer', password: `tlm-${randomBytes(9).toString('base64url')}` };
  let devices = [];

  await step('admin creates a viewer for the telemetry checks (API)', async () => {
    const res = await apiCall(base, adminToken, 'POST', '/api/v1/users', {
      username: viewer.username,
      display_name: 'Tilly Telemetry',
      role: 'viewer',
      password: viewer.password,
    });
    assertEqual(res.status, 201, `create the viewer (${JSON.stringify(res.body)})`);
  });

  await step(`${DEVICES} simulated devices onboard and send a reading every second (mothership-sim)`, async () => {
    ({ devices } = await startOnlineFleet(ctx, {
      base,
      token: adminToken,
      model,
      devices: DEVICES,
      telemetryIntervalS: 1,
      logFile: path.join(outDir, 'sim-telemetry.log'),
    }));
    // A few seconds of readings, so that the chart has more than one bucket to draw a line through.
    await waitFor(
      'the first device to have sent its readings',
      async () => {
        const res = await apiCall(base, adminToken, 'GET', `/api/v1/devices/${devices[0].id}/telemetry/latest`);
        const keys = Object.keys(res.body?.values ?? {});
        return READING_KEYS.every((key) => keys.includes(key));
      },
      30_000,
    );
  });

  await step('the telemetry viewer logs in', () => login(page, base, viewer.username, viewer.password));

  await check('the dashboard shows the fleet counts and draws devices online over time', async () => {
    await page.goto(`${base}/`);
    const total = page.getByTestId('stat-total');
    await total.waitFor();
    // Every device of the run counts; ours are online.
    await waitFor('the dashboard to count our devices', async () => Number(await total.innerText()) >= DEVICES, 15_000);
    assert(Number(await page.getByTestId('stat-online').innerText()) >= DEVICES, 'online count below our devices');
    assertEqual(await page.getByTestId('fleet-empty').count(), 0, 'empty-fleet cards');
    assertEqual(await page.getByTestId('recent-onboarding').count(), 0, 'onboarding cards for a viewer');
    await page.getByTestId('recent-rollouts').waitFor();
    const chart = page.getByTestId('fleet-online-chart');
    // The server samples the fleet once a minute; the page reads it again every 10 s.
    // The chart's buckets are minutes apart: a run that starts late in one may see its second
    // bucket only minutes later, so one point is enough, and the area is checked once there are two.
    await waitFor('a sample of devices online', async () => (await dataNumber(chart, 'data-points')) >= 1, 90_000);
    if ((await dataNumber(chart, 'data-points')) >= 2)
      await waitFor('the devices-online area drawn', async () => (await drawnPaths(chart, '.recharts-area-curve')) >= 1, 15_000);
    const models = page.getByTestId('fleet-models-chart');
    assert((await dataNumber(models, 'data-bars')) >= 1, 'no model bars');
    await waitFor('model bars drawn', async () => (await models.locator('.recharts-bar-rectangle').count()) >= 1, 10_000);
    const firmware = await page.getByTestId('fleet-firmware-chart-item').allInnerTexts();
    assert(firmware.length >= 1, 'no firmware versions listed');
  });
  await page.screenshot({ path: path.join(outDir, 'viewer-dashboard.png'), fullPage: true });

  await check("a device's page shows its latest values and a chart of its readings with points", async () => {
    const device = devices[0];
    await page.goto(`${base}/devices/${device.id}`);
    const latest = page.getByTestId('telemetry-latest');
    await latest.waitFor();
    for (const key of READING_KEYS) await page.getByTestId(`telemetry-latest-${key}`).waitFor();
    const temperature = await page.getByTestId('telemetry-latest-temperature').innerText();
    assert(/-?\d+(\.\d+)?/.test(temperature), `temperature row: ${JSON.stringify(temperature)}`);
    // The simulator's clock is the server's: no note.
    assertEqual(await page.getByTestId('clock-off').count(), 0, 'clock-off notes');

    const chart = page.getByTestId('telemetry-chart');
    await chart.waitFor();
    assertEqual(await dataNumber(chart, 'data-lines'), 3, 'lines (the first three numeric keys)');
    // An hour reads raw samples in 15 s buckets: points a few seconds after the device started.
    await page.getByTestId('telemetry-range').getByText('1 h', { exact: true }).click();
    await waitFor(
      'the chart to read raw samples',
      async () => (await page.getByTestId('telemetry-source').getAttribute('data-source')) === 'raw',
      15_000,
    );
    await waitFor('two buckets of each line', async () => (await dataNumber(chart, 'data-points')) >= 6, 60_000);
    await waitFor('three lines drawn', async () => (await drawnPaths(chart, '.recharts-line-curve')) === 3, 15_000);
    const source = await page.getByTestId('telemetry-source').innerText();
    assert(/source: raw samples/.test(source) && /buckets of \d+ s/.test(source), `source note: ${JSON.stringify(source)}`);
  });
  await page.screenshot({ path: path.join(outDir, 'viewer-device-telemetry.png'), fullPage: true });

  await step('the telemetry viewer logs out', () => logout(page));
}
