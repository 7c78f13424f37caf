// The Firmware page in the end-to-end run (portal.e2e.mjs calls firmwareChecks): an admin
// imports a manufacturing record for a new model (the server refuses firmware for a model no
// record names), uploads an image through the dropzone and finds it listed with its SHA-256,
// is refused a second upload of the same version, cancels a slow one, downloads the image through its signed link;
// then a viewer sees the same list without upload, download or delete.
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { apiCall, apiLogin } from './processes.mjs';

export async function firmwareChecks({ page, base, users, outDir, check, step, login, logout, assert, assertEqual }) {
  const model = `E2E-FW-${randomBytes(3).toString('hex').toUpperCase()}`;
  const version = '1.0.0';
  const image = randomBytes(96 * 1024);
  const sha256 = createHash('sha256').update(image).digest('hex');
  const filename = `${model.toLowerCase()}-${version}.bin`;
  const row = page.locator(`[data-testid^="firmware-row-"][data-version="${version}"]`);

  await step('admin logs in and imports a manufacturing record for a new model (API)', async () => {
    await login(page, base, users.admin.username, users.admin.password);
    const token = await apiLogin(base, users.admin.username, users.admin.password);
    const serial = `${model}-0001`;
    const res = await apiCall(base, token, 'POST', '/api/v1/registry/import', `${serial},${model},rev1,CODE-${serial}\n`, 'text/csv');
    assertEqual(res.status, 200, `import status (${JSON.stringify(res.body)})`);
  });

  await step('admin uploads a firmware image through the dropzone and sees it listed with its SHA-256', async () => {
    await page.getByTestId('nav-firmware').click();
    await page.getByTestId('firmware-upload').waitFor();
    await page
      .getByTestId('firmware-dropzone')
      .locator('input[type="file"]')
      .setInputFiles({ name: filename, mimeType: 'application/octet-stream', buffer: image });
    await page.getByTestId('firmware-file').waitFor();
    await page.getByTestId('firmware-version').fill(version);
    await page.getByTestId('firmware-models').fill(model);
    await page.getByTestId('firmware-models').press('Enter');
    await page.getByTestId('firmware-description').fill('Uploaded by the end-to-end test');
    await page.getByTestId('firmware-upload-submit').click();
    const outcome = await Promise.race([
      row.waitFor().then(() => 'ok'),
      page.getByTestId('firmware-upload-error').waitFor().then(() => 'error'),
    ]);
    if (outcome === 'error') throw new Error(`upload refused: ${await page.getByTestId('firmware-upload-error').innerText()}`);
    assertEqual((await row.getByTestId('firmware-sha256').innerText()).trim(), `${sha256.slice(0, 12)}…`, 'short SHA-256');
    const text = await row.innerText();
    assert(text.includes(model) && text.includes('96.0 KiB') && /unsigned/i.test(text), `firmware row: ${JSON.stringify(text)}`);
    await row.getByTestId('firmware-details-toggle').click();
    assertEqual((await page.getByTestId('firmware-details-sha256').innerText()).trim(), sha256, 'SHA-256 in the details');
    // The form is empty again, ready for the next image.
    assertEqual(await page.getByTestId('firmware-version').inputValue(), '', 'version after the upload');
  });
  await page.screenshot({ path: path.join(outDir, 'admin-firmware.png'), fullPage: true });

  await check('a second upload of the same version shows the server refusal (409 version-taken)', async () => {
    await page
      .getByTestId('firmware-dropzone')
      .locator('input[type="file"]')
      .setInputFiles({ name: filename, mimeType: 'application/octet-stream', buffer: image });
    await page.getByTestId('firmware-version').fill(version);
    await page.getByTestId('firmware-models').fill(model);
    await page.getByTestId('firmware-models').press('Enter');
    await page.getByTestId('firmware-upload-submit').click();
    const error = page.getByTestId('firmware-upload-error');
    await error.waitFor();
    const text = await error.innerText();
    assert(/already has this version/i.test(text), `refusal: ${JSON.stringify(text)}`);
    assertEqual(await row.count(), 1, 'rows of the version');
  });

  await check('admin cancels a slow upload: the progress bar moves, nothing is kept', async () => {
    // Chromium throttles the upload so that there is time to see progress and cancel.
    const cdp = await page.context().newCDPSession(page);
    const throttle = (uploadThroughput) =>
      cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput });
    await cdp.send('Network.enable');
    await throttle(1024 * 1024);
    try {
      await page
        .getByTestId('firmware-dropzone')
        .locator('input[type="file"]')
        .setInputFiles({ name: 'slow.bin', mimeType: 'application/octet-stream', buffer: randomBytes(16 * 1024 * 1024) });
      await page.getByTestId('firmware-version').fill('1.0.1');
      await page.getByTestId('firmware-upload-submit').click();
      const percent = page.getByTestId('firmware-upload-percent');
      const deadline = Date.now() + 15_000;
      let shown = 0;
      while (shown < 1) {
        assert(Date.now() < deadline, 'the progress bar did not move within 15 s');
        shown = Number.parseInt((await percent.innerText().catch(() => '0')) || '0', 10);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert(shown < 100, `the upload was done (${shown}%) before it could be cancelled`);
      await page.getByTestId('firmware-upload-cancel').click();
      await page.getByTestId('firmware-upload-cancelled').waitFor();
      assertEqual(await page.getByTestId('firmware-upload-progress').count(), 0, 'progress bars after cancel');
    } finally {
      await throttle(-1);
      await cdp.detach();
    }
    const token = await apiLogin(base, users.admin.username, users.admin.password);
    const listed = await apiCall(base, token, 'GET', `/api/v1/firmware?model=${encodeURIComponent(model)}`);
    assertEqual(listed.body?.items?.map((f) => f.version), [version], 'versions stored for the model');
  });

  await check('admin downloads the image through its signed link, byte for byte', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('firmware-download').click()]);
    assertEqual(download.suggestedFilename(), filename, 'file name');
    const saved = await download.path();
    assert(saved, `download failed: ${await download.failure()}`);
    assertEqual(createHash('sha256').update(await readFile(saved)).digest('hex'), sha256, 'SHA-256 of the download');
  });
  await step('admin logs out', () => logout(page));

  await step('viewer logs in', () => login(page, base, users.viewer.username, users.viewer.password));
  await check('viewer sees the firmware list without upload, download or delete', async () => {
    await page.getByTestId('nav-firmware').click();
    await row.waitFor();
    assertEqual((await row.getByTestId('firmware-sha256').innerText()).trim(), `${sha256.slice(0, 12)}…`, 'short SHA-256');
    assertEqual(await page.getByTestId('firmware-upload').count(), 0, 'upload forms');
    assertEqual(await page.getByTestId('firmware-dropzone').count(), 0, 'dropzones');
    assertEqual(await page.getByTestId('firmware-delete').count(), 0, 'Delete buttons');
    assertEqual(await page.getByTestId('firmware-download').count(), 0, 'Download buttons');
  });
  await page.screenshot({ path: path.join(outDir, 'viewer-firmware.png'), fullPage: true });
  await step('viewer logs out', () => logout(page));
}
