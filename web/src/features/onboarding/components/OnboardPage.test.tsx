import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { makeDeviceDetail, makeUser, problem } from '../../../testing/fixtures';
import { createFakeLiveEvents } from '../../../testing/live-events';
import { server } from '../../../testing/msw-server';
import { renderApp } from '../../../testing/render';
import { OnboardPage } from './OnboardPage';

const tech = makeUser({ username: 'tess', role: 'technician' });

function renderOnboard(events = createFakeLiveEvents()) {
  return renderApp({ user: tech, path: '/onboard', routes: [{ path: '/onboard', element: <OnboardPage /> }], events });
}

function pending(items: unknown[] = []) {
  return http.get('/api/v1/onboarding', () => HttpResponse.json({ items }));
}

/** The claimed device as the server has it before it connects. */
const notConnectedYet = http.get('/api/v1/devices/dev_1', () =>
  HttpResponse.json(makeDeviceDetail({ id: 'dev_1', lifecycle: 'awaiting_certificate', first_connected_at: null, certificates: [] })),
);

/** No device pending; a claim is answered 202 awaiting_device; `body` is what the page sent. */
function answerClaimsWithAwaitingDevice(): { body: unknown } {
  const sent: { body: unknown } = { body: null };
  server.use(
    pending(),
    notConnectedYet,
    http.post('/api/v1/onboarding', async ({ request }) => {
      sent.body = await request.json();
      return HttpResponse.json({ status: 'awaiting_device', device_id: 'dev_1' }, { status: 202 });
    }),
  );
  return sent;
}

async function claim(serial: string, code: string) {
  const ui = userEvent.setup();
  await ui.type(screen.getByTestId('claim-serial'), serial);
  await ui.type(screen.getByTestId('claim-code'), code);
  await ui.click(screen.getByRole('button', { name: 'Claim device' }));
}

function reached(step: string): boolean {
  return screen.getByTestId(`onboarding-step-${step}`).getAttribute('data-reached') === 'true';
}

describe('OnboardPage', () => {
  it('claims a device and follows its steps live until it is connected', async () => {
    const sent = answerClaimsWithAwaitingDevice();
    const { events } = renderOnboard();
    await screen.findByTestId('pending-empty');
    await claim('SN-1', 'CODE-1');
    await screen.findByTestId('onboarding-progress');
    expect(sent.body).toEqual({ serial: 'SN-1', claim_code: 'CODE-1' });
    expect(reached('waiting_for_device')).toBe(true);
    expect(reached('verified')).toBe(false);

    events.emit('onboarding.updated', { serial: 'OTHER', stage: 'connected' });
    expect(reached('verified')).toBe(false);
    events.emit('onboarding.updated', { serial: 'SN-1', stage: 'verified' });
    expect(reached('verified')).toBe(true);
    events.emit('onboarding.updated', { serial: 'SN-1', stage: 'certificate_issued', device_id: 'dev_1' });
    expect(reached('certificate_issued')).toBe(true);
    expect(screen.queryByTestId('onboarding-connected')).not.toBeInTheDocument();
    events.emit('onboarding.updated', { serial: 'SN-1', stage: 'connected', device_id: 'dev_1' });
    expect(await screen.findByTestId('onboarding-connected')).toHaveTextContent('SN-1 is onboarded and connected');
  });

  it('claims a device with a factory certificate by serial alone (no claim_code sent)', async () => {
    const sent = answerClaimsWithAwaitingDevice();
    renderOnboard();
    await screen.findByTestId('pending-empty');
    const ui = userEvent.setup();
    await ui.type(screen.getByTestId('claim-serial'), 'SN-F');
    await ui.click(screen.getByRole('button', { name: 'Claim device' }));
    await screen.findByTestId('onboarding-progress');
    expect(sent.body).toEqual({ serial: 'SN-F' });
  });

  it('says why the device stopped onboarding', async () => {
    server.use(
      pending(),
      notConnectedYet,
      http.post('/api/v1/onboarding', () => HttpResponse.json({ status: 'awaiting_device', device_id: 'dev_1' }, { status: 202 })),
    );
    const { events } = renderOnboard();
    await claim('SN-1', 'CODE-1');
    await screen.findByTestId('onboarding-progress');
    events.emit('onboarding.updated', { serial: 'SN-1', stage: 'rejected', reason: 'CSR key too small' });
    expect(screen.getByTestId('onboarding-failed')).toHaveTextContent('CSR key too small');
  });

  it('starts at "certificate issued" when the device had said hello first (200)', async () => {
    server.use(
      pending(),
      http.post('/api/v1/onboarding', () => HttpResponse.json({ status: 'completed', device_id: 'dev_1' })),
      http.get('/api/v1/devices/dev_1', () => HttpResponse.json(makeDeviceDetail({ id: 'dev_1', first_connected_at: null }))),
    );
    renderOnboard();
    await claim('SN-1', 'CODE-1');
    await screen.findByTestId('onboarding-progress');
    expect(reached('certificate_issued')).toBe(true);
    expect(reached('connected')).toBe(false);
  });

  it('reads progress from the device record while live updates are down', async () => {
    const events = createFakeLiveEvents();
    server.use(
      pending(),
      http.post('/api/v1/onboarding', () => HttpResponse.json({ status: 'awaiting_device', device_id: 'dev_1' }, { status: 202 })),
      http.get('/api/v1/devices/dev_1', () =>
        HttpResponse.json(makeDeviceDetail({ id: 'dev_1', status: 'online', first_connected_at: '2025-03-01T12:00:00Z' })),
      ),
    );
    renderOnboard(events);
    events.setStatus('reconnecting');
    await claim('SN-1', 'CODE-1');
    expect(await screen.findByTestId('onboarding-connected')).toBeInTheDocument();
    expect(screen.getByTestId('live-indicator')).toHaveTextContent('Reconnecting');
  });

  it.each([
    [
      'a wrong code, with the attempts left',
      () => problem(422, 'wrong-claim-code', 'nope', { attempts_left: 2 }),
      'Wrong claim code',
      '2 attempts left before the serial is locked',
    ],
    ['an unknown serial', () => problem(404, 'unknown-serial', 'nope'), 'Unknown serial', 'No device with serial SN-1'],
    ['a locked serial', () => problem(423, 'locked-out', 'nope'), 'Serial locked', 'An admin can unlock it'],
    [
      'a serial locked for a while',
      () => problem(423, 'locked-out', 'nope', { locked_until: '2025-03-01T10:15:00Z' }),
      'Serial locked',
      'is locked until',
    ],
    ['a registered device', () => problem(409, 'already-registered', 'nope'), 'Already registered', 'already registered'],
    ['a decommissioned device', () => problem(409, 'decommissioned', 'nope'), 'Decommissioned', 'must re-enable'],
  ])('explains %s', async (_what, respond, title, text) => {
    server.use(pending(), http.post('/api/v1/onboarding', respond));
    renderOnboard();
    await claim('SN-1', 'CODE-1');
    const alert = await screen.findByTestId('claim-error');
    expect(alert).toHaveTextContent(title);
    expect(alert).toHaveTextContent(text);
    expect(screen.queryByTestId('onboarding-progress')).not.toBeInTheDocument();
  });

  it('holds the button back after too many attempts', async () => {
    server.use(
      pending(),
      http.post('/api/v1/onboarding', () => {
        const res = problem(429, 'too-many-attempts', 'slow down');
        res.headers.set('Retry-After', '30');
        return res;
      }),
    );
    renderOnboard();
    await claim('SN-1', 'CODE-1');
    expect(await screen.findByTestId('claim-error')).toHaveTextContent(/Too many attempts.*Try again in 30 s/);
    expect(screen.getByRole('button', { name: 'Claim device' })).toBeDisabled();
  });

  it('lists devices awaiting approval and claims one from the list', async () => {
    let claims = 0;
    server.use(
      http.get('/api/v1/onboarding', () =>
        HttpResponse.json({
          items: [
            {
              serial: 'SN-HELLO',
              stage: 'awaiting_approval',
              model: 'Thermo',
              firmware_version: '1.2.0',
              hello_at: '2025-03-01T12:00:00Z',
              approved_by: null,
              approved_at: null,
              device_id: null,
              updated_at: '2025-03-01T12:00:00Z',
            },
          ],
        }),
      ),
      http.post('/api/v1/onboarding', () => {
        claims += 1;
        return HttpResponse.json({ status: 'completed', device_id: 'dev_h' });
      }),
      http.get('/api/v1/devices/dev_h', () => HttpResponse.json(makeDeviceDetail({ id: 'dev_h', first_connected_at: null }))),
    );
    const { events } = renderOnboard();
    const row = await screen.findByTestId('pending-row-SN-HELLO');
    expect(row).toHaveTextContent('awaiting approval');
    expect(row).toHaveTextContent('1.2.0');
    const ui = userEvent.setup();
    await ui.click(within(row).getByRole('button', { name: 'Claim…' }));
    expect(screen.getByTestId('claim-serial')).toHaveValue('SN-HELLO');
    expect(screen.getByTestId('claim-code')).toHaveFocus();
    await ui.keyboard('CODE-H{Enter}');
    await screen.findByTestId('onboarding-progress');
    expect(claims).toBe(1);
    // Any onboarding event refreshes the list.
    let refetched = false;
    server.use(
      http.get('/api/v1/onboarding', () => {
        refetched = true;
        return HttpResponse.json({ items: [] });
      }),
    );
    events.emit('onboarding.updated', { serial: 'SN-HELLO', stage: 'connected' });
    await waitFor(() => {
      expect(refetched).toBe(true);
    });
    expect(await screen.findByTestId('pending-empty')).toBeInTheDocument();
  });
});
