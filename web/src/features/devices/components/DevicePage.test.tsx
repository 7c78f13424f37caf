import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../../lib/permissions';
import { makeDeviceDetail, makeUser, problem } from '../../../testing/fixtures';
import { server } from '../../../testing/msw-server';
import { renderApp } from '../../../testing/render';
import { DevicePage } from './DevicePage';

function renderDevice(role: Role) {
  return renderApp({
    user: makeUser({ role }),
    path: '/devices/dev_1',
    routes: [{ path: '/devices/:id', element: <DevicePage /> }],
  });
}

function audit(id: number, action: string, details: Record<string, unknown> = {}) {
  return {
    id,
    time: '2025-03-01T12:00:00Z',
    actor_type: 'device',
    actor_id: 'dev_1',
    action,
    target_type: 'device',
    target_id: 'dev_1',
    result: 'success',
    source: '10.0.0.7',
    details,
    prev_hash: '00',
    hash: 'ab',
  };
}

const device = makeDeviceDetail({ id: 'dev_1', serial: 'SN-1', status: 'online' });

function execution(overrides: Record<string, unknown>) {
  return {
    job_id: 'job_1',
    device_id: 'dev_1',
    status: 'SUCCEEDED',
    group: 'completed',
    execution_number: 1,
    version_number: 4,
    step: 'confirmed',
    percent: null,
    status_details: { step: 'confirmed' },
    queued_at: '2025-03-01T10:00:00Z',
    released_at: '2025-03-01T10:00:00Z',
    started_at: '2025-03-01T10:00:01Z',
    timeout_at: null,
    updated_at: '2025-03-01T10:01:00Z',
    finished_at: '2025-03-01T10:01:00Z',
    job_status: 'completed',
    firmware_id: 'fw_1',
    firmware_version: '1.1.0',
    ...overrides,
  };
}

describe('DevicePage', () => {
  beforeEach(() => {
    server.use(
      http.get('/api/v1/devices/dev_1/jobs', () => HttpResponse.json({ items: [] })),
      http.get('/api/v1/devices/dev_1/telemetry/latest', () => HttpResponse.json({ device_id: 'dev_1', values: {} })),
    );
  });

  it("shows the device's firmware history and jobs, oldest outcome first, with the failure reason", async () => {
    server.use(
      http.get('/api/v1/devices/dev_1', () => HttpResponse.json({ ...device, firmware_version: '1.1.0' })),
      http.get('/api/v1/audit', () => HttpResponse.json({ items: [], next_cursor: null })),
      http.get('/api/v1/devices/dev_1/jobs', () =>
        HttpResponse.json({
          items: [
            execution({ job_id: 'job_3', status: 'IN_PROGRESS', group: 'in_progress', step: 'download', percent: 30,
              finished_at: null, job_status: 'in_progress', firmware_version: '2.0.0' }),
            execution({ job_id: 'job_2', status: 'FAILED', group: 'failed', firmware_version: '1.2.0',
              status_details: { step: 'rollback', reason: 'health check failed' }, finished_at: '2025-03-02T10:00:00Z' }),
            execution({ job_id: 'job_1' }),
          ],
        }),
      ),
    );
    renderDevice('viewer');
    const history = await screen.findByTestId('firmware-history');
    await waitFor(() => {
      expect(within(history).getAllByText(/(· installed|· failed| now)$/).map((e) => e.textContent)).toEqual([
        '1.1.0 · installed',
        '1.2.0 · failed',
        'Reports 1.1.0 now',
      ]);
    });
    expect(screen.getByTestId('firmware-history-job_2')).toHaveTextContent('health check failed');
    expect(screen.getByTestId('device-job-job_3')).toHaveTextContent('2.0.0');
    expect(screen.getByTestId('device-job-job_3')).toHaveTextContent('download 30%');
    expect(within(screen.getByTestId('device-job-job_2')).getByRole('link', { name: 'job_2' })).toHaveAttribute(
      'href',
      '/deployments/job_2',
    );
  });

  it('shows identity, certificates, reported state and history to a viewer, without admin buttons', async () => {
    const auditQueries: URLSearchParams[] = [];
    server.use(
      http.get('/api/v1/devices/dev_1', () => HttpResponse.json(device)),
      http.get('/api/v1/audit', ({ request }) => {
        auditQueries.push(new URL(request.url).searchParams);
        return HttpResponse.json({
          items: [
            audit(3, 'device.disconnected', { reason: 'keep-alive timeout' }),
            audit(2, 'device.connected', { serial: 'SN-1' }),
            audit(1, 'onboarding.certificate_issued'),
          ],
          next_cursor: null,
        });
      }),
    );
    renderDevice('viewer');
    expect(await screen.findByRole('heading', { name: 'SN-1' })).toBeInTheDocument();
    expect(screen.getByTestId('device-identity')).toHaveTextContent('rev1');
    const cert = screen.getByTestId('certificate-row');
    expect(cert).toHaveTextContent('AB:AB:AB');
    expect(cert).toHaveTextContent('active');
    expect(screen.getByTestId('reported-state')).toHaveTextContent('"temperature": 21.5');
    expect(await screen.findByTestId('telemetry-empty')).toBeInTheDocument();
    expect(await screen.findAllByTestId('connection-row')).toHaveLength(2);
    expect(screen.getByTestId('connection-history')).toHaveTextContent('keep-alive timeout');
    expect(screen.getAllByTestId('device-audit-row')).toHaveLength(3);
    expect(auditQueries[0]?.get('target_id')).toBe('dev_1');
    expect(screen.getByRole('link', { name: 'Audit trail' })).toHaveAttribute(
      'href',
      '/audit?target_type=device&target_id=dev_1',
    );
    expect(screen.queryByTestId('revoke-button')).not.toBeInTheDocument();
    expect(screen.queryByTestId('decommission-button')).not.toBeInTheDocument();
  });

  it('shows a technician no history (no audit.read) and no admin buttons', async () => {
    server.use(http.get('/api/v1/devices/dev_1', () => HttpResponse.json(device)));
    renderDevice('technician');
    await screen.findByTestId('device-identity');
    expect(screen.queryByText('Connection history')).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Audit trail' })).not.toBeInTheDocument();
    expect(screen.queryByTestId('revoke-button')).not.toBeInTheDocument();
  });

  it('lets an admin decommission after typing the serial', async () => {
    let decommissioned = 0;
    server.use(
      http.get('/api/v1/devices/dev_1', () => HttpResponse.json(device)),
      http.get('/api/v1/audit', () => HttpResponse.json({ items: [], next_cursor: null })),
      http.post('/api/v1/devices/dev_1/decommission', () => {
        decommissioned += 1;
        return HttpResponse.json({ ...device, lifecycle: 'decommissioned', status: 'offline' });
      }),
    );
    renderDevice('admin');
    const ui = userEvent.setup();
    await ui.click(await screen.findByTestId('decommission-button'));
    const dialog = await screen.findByRole('dialog', { name: 'Decommission device' });
    const confirm = within(dialog).getByTestId('confirm-device-action');
    expect(confirm).toBeDisabled();
    await ui.type(within(dialog).getByTestId('confirm-serial'), 'SN-1');
    await ui.click(confirm);
    await waitFor(() => {
      expect(decommissioned).toBe(1);
    });
    expect(await screen.findByTestId('device-lifecycle')).toHaveTextContent('decommissioned');
    expect(screen.getByTestId('decommission-button')).toBeDisabled();
  });

  it('keeps the device offline when the revoke answer arrives after the event that says so', async () => {
    let answer: (() => void) | undefined;
    server.use(
      http.get('/api/v1/devices/dev_1', () => HttpResponse.json(device)),
      http.get('/api/v1/audit', () => HttpResponse.json({ items: [], next_cursor: null })),
      // Composed while the device was still connected; held until the event has been applied.
      http.post('/api/v1/devices/dev_1/certificate/revoke', async () => {
        await new Promise<void>((resolve) => {
          answer = resolve;
        });
        return HttpResponse.json({
          ...device,
          certificates: device.certificates.map((c) => ({ ...c, status: 'revoked' })),
        });
      }),
    );
    const { events } = renderDevice('admin');
    const ui = userEvent.setup();
    await ui.click(await screen.findByTestId('revoke-button'));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke certificate' });
    await ui.type(within(dialog).getByTestId('confirm-serial'), 'SN-1');
    await ui.click(within(dialog).getByTestId('confirm-device-action'));
    await waitFor(() => {
      expect(answer).toBeDefined();
    });
    events.emit('device.updated', { id: 'dev_1', serial: 'SN-1', model: 'Thermo', status: 'offline', lifecycle: 'active' });
    await waitFor(() => {
      expect(screen.getByTestId('device-identity')).toHaveTextContent(/offline/i);
    });
    answer?.();
    await waitFor(() => {
      expect(screen.getByTestId('certificate-row')).toHaveTextContent('revoked');
    });
    expect(screen.getByTestId('device-identity')).toHaveTextContent(/offline/i);
    expect(screen.getByTestId('device-identity')).not.toHaveTextContent(/online/i);
  });

  it('shows the server refusal when revoking fails', async () => {
    server.use(
      http.get('/api/v1/devices/dev_1', () => HttpResponse.json(device)),
      http.get('/api/v1/audit', () => HttpResponse.json({ items: [], next_cursor: null })),
      http.post('/api/v1/devices/dev_1/certificate/revoke', () => problem(403, 'forbidden', 'missing permission: devices.manage')),
    );
    renderDevice('admin');
    const ui = userEvent.setup();
    await ui.click(await screen.findByTestId('revoke-button'));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke certificate' });
    await ui.type(within(dialog).getByTestId('confirm-serial'), 'SN-1');
    await ui.click(within(dialog).getByTestId('confirm-device-action'));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('missing permission: devices.manage');
  });

  it('shows the not-found page for an unknown device', async () => {
    server.use(http.get('/api/v1/devices/dev_1', () => problem(404, 'not-found', 'No such device.')));
    renderDevice('viewer');
    expect(await screen.findByTestId('not-found')).toBeInTheDocument();
  });
});
