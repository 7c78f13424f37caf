// Reports in the end-to-end run (portal.e2e.mjs calls reportsChecks): a viewer asks for a CSV
// of the devices on the Reports page, watches it become ready without a reload, downloads it
// and the file is checked (header row, data rows, CRLF line ends); then exports the audit log
// with its filters from the Audit page, which takes them to the Reports page to download it.
import { readFile } from 'node:fs/promises';
import { sleep } from './processes.mjs';

const READY_TIMEOUT_MS = 30_000;

/** Clicks Create report (or runs `start`) and returns the id of the report the server queued. */
async function queuedReportId(page, start) {
  const created = page.waitForResponse(
    (res) => res.request().method() === 'POST' && new URL(res.url()).pathname === '/api/v1/reports',
  );
  await start();
  const res = await created;
  if (res.status() !== 202) throw new Error(`POST /api/v1/reports: HTTP ${res.status()} ${await res.text()}`);
  return (await res.json()).id;
}

async function waitForReady(page, id) {
  const row = page.getByTestId(`report-row-${id}`);
  await row.waitFor();
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const status = await row.getAttribute('data-status');
    if (status === 'ready') return row;
    if (status === 'failed' || status === 'expired') throw new Error(`report ${id} is ${status}: ${await row.innerText()}`);
    if (Date.now() > deadline) throw new Error(`report ${id} not ready within ${READY_TIMEOUT_MS / 1000} s (${status})`);
    await sleep(200);
  }
}

/** Downloads the ready report `id` through its Download button; resolves to the file's text. */
async function download(page, id) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`report-download-${id}`).click()]);
  const failure = await file.failure();
  if (failure) throw new Error(`download of ${id} failed: ${failure}`);
  return { name: file.suggestedFilename(), text: await readFile(await file.path(), 'utf8') };
}

/** Checks an RFC 4180 CSV: CRLF line ends only, the header's first columns, at least one data row. */
function checkCsv(text, columns, { assert }) {
  assert(text.includes('\r\n'), 'no CRLF line ends');
  assert(!/[^\r]\n/.test(text), 'a line ends with a bare LF');
  const lines = text.split('\r\n').filter((line) => line !== '');
  assert(lines[0]?.startsWith(columns.join(',')), `header row: ${JSON.stringify(lines[0])}`);
  assert(lines.length >= 2, `no data rows (${lines.length} lines)`);
  return lines;
}

export async function reportsChecks({ page, base, users, outDir, check, step, login, logout, assert, assertEqual }) {
  await step('viewer logs in for the reports checks', () => login(page, base, users.viewer.username, users.viewer.password));

  await check('viewer creates a CSV report of the devices, sees it become ready and downloads it', async () => {
    await page.getByTestId('nav-reports').click();
    const form = page.getByRole('form', { name: 'Create report' });
    await form.waitFor();
    await form.getByLabel('Kind').selectOption('devices');
    await form.getByLabel('Format').selectOption('csv');
    const id = await queuedReportId(page, () => form.getByRole('button', { name: 'Create report' }).click());
    const row = await waitForReady(page, id);
    assert(/devices/.test(await row.innerText()), `row: ${JSON.stringify(await row.innerText())}`);
    await page.screenshot({ path: `${outDir}/viewer-reports-ready.png`, fullPage: true });
    const { name, text } = await download(page, id);
    assert(name.endsWith('.csv'), `file name ${JSON.stringify(name)}`);
    const lines = checkCsv(text, ['id', 'serial', 'model'], { assert });
    assertEqual(
      // "1,234 · 56.0 KiB": the count before the size.
      Number.parseInt((await row.getByTestId('report-rows').innerText()).replace(/[,\s]/g, ''), 10),
      lines.length - 1,
      'rows written shown against the data rows in the file',
    );
  });

  await check('viewer exports the filtered audit log from the Audit page and downloads it from Reports', async () => {
    await page.goto(`${base}/audit?action=auth.login&result=success`);
    await page.getByTestId('audit-row').first().waitFor();
    const id = await queuedReportId(page, async () => {
      await page.getByRole('button', { name: 'Export' }).click();
      await page.getByRole('menuitem', { name: 'CSV' }).click();
    });
    await page.waitForURL(`${base}/reports`);
    await waitForReady(page, id);
    const { text } = await download(page, id);
    const lines = checkCsv(text, ['id', 'time', 'time_ms', 'actor_type', 'actor_id', 'action'], { assert });
    for (const line of lines.slice(1)) assert(line.includes(',auth.login,'), `a row of another action: ${line}`);
  });
  await page.screenshot({ path: `${outDir}/viewer-reports-audit-export.png`, fullPage: true });

  await step('viewer logs out after the reports checks', () => logout(page));
}
