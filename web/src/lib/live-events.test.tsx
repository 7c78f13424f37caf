import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { makeLogin, makeUser } from '../testing/fixtures';
import { createFakeLiveEvents } from '../testing/live-events';
import { setSession } from './api-client';
import { LiveEventsProvider, parseLiveEvent, useLiveEvents, useLiveStatus, type LiveEventListener } from './live-events';

describe('parseLiveEvent', () => {
  it('reads onboarding and device updates', () => {
    expect(
      parseLiveEvent({ event: 'onboarding.updated', data: '{"serial":"SN1","stage":"verified","device_id":"dev_1"}', id: undefined }),
    ).toEqual({ type: 'onboarding.updated', data: { serial: 'SN1', stage: 'verified', device_id: 'dev_1' } });
    expect(
      parseLiveEvent({
        event: 'device.updated',
        data: '{"id":"dev_1","serial":"SN1","model":"Thermo","status":"online","lifecycle":"active","last_seen":"2025-01-01T00:00:00Z"}',
        id: undefined,
      }),
    ).toEqual({
      type: 'device.updated',
      data: { id: 'dev_1', serial: 'SN1', model: 'Thermo', status: 'online', lifecycle: 'active', last_seen: '2025-01-01T00:00:00Z' },
    });
  });

  it('reads job updates, counting a missing group as 0', () => {
    expect(
      parseLiveEvent({
        event: 'job.updated',
        data: '{"job_id":"job_1","counts":{"queued":2,"completed":1,"failed":"x"},"by_status":{"QUEUED":2,"SUCCEEDED":1}}',
        id: undefined,
      }),
    ).toEqual({
      type: 'job.updated',
      data: {
        job_id: 'job_1',
        counts: { queued: 2, in_progress: 0, completed: 1, failed: 0, canceled: 0 },
        by_status: { QUEUED: 2, SUCCEEDED: 1 },
      },
    });
  });

  it('reads alert events, with absent optional members as null', () => {
    const data = {
      id: 'alr_1',
      rule_id: 'rul_1',
      rule_name: 'Hot',
      device_id: 'dev_1',
      severity: 'critical',
      state: 'raised',
      summary: 'temperature 91 > 80',
      value: 91,
      raised_at: '2025-03-01T12:00:00Z',
    };
    expect(parseLiveEvent({ event: 'alert.raised', data: JSON.stringify(data), id: undefined })).toEqual({
      type: 'alert.raised',
      data: {
        ...data,
        acknowledged_at: null,
        acknowledged_by: null,
        note: null,
        cleared_at: null,
        clear_summary: null,
      },
    });
    const cleared = { ...data, state: 'cleared', cleared_at: '2025-03-01T12:05:00Z', clear_summary: 'back to 70' };
    expect(parseLiveEvent({ event: 'alert.cleared', data: JSON.stringify(cleared), id: undefined })?.data).toMatchObject({
      state: 'cleared',
      clear_summary: 'back to 70',
    });
  });

  it.each([
    ['alert.raised', '{"id":"alr_1","rule_id":"rul_1","device_id":"dev_1","state":"burning","raised_at":"x"}'],
    ['alert.cleared', '{"rule_id":"rul_1","device_id":"dev_1","state":"cleared","raised_at":"x"}'],
    ['job.updated', '{"counts":{}}'],
    ['job.updated', '{"job_id":"job_1","counts":3}'],
    ['onboarding.updated', 'not json'],
    ['onboarding.updated', '[1]'],
    ['onboarding.updated', '{"serial":"SN1","stage":"teleported"}'],
    ['device.updated', '{"id":"dev_1","serial":"SN1","status":"sleeping","lifecycle":"active"}'],
    ['device.updated', '{"serial":"SN1","status":"online","lifecycle":"active"}'],
    ['firmware.updated', '{"id":"fw_1"}'],
  ])('ignores %s with data %s', (event, data) => {
    expect(parseLiveEvent({ event, data, id: undefined })).toBeNull();
  });
});

function Probe({ listener }: { listener: LiveEventListener }) {
  useLiveEvents(listener);
  return <span data-testid="status">{useLiveStatus()}</span>;
}

describe('LiveEventsProvider', () => {
  it('connects only with a session, delivers events and asks for a resync after a break', () => {
    const events = createFakeLiveEvents();
    const onDevice = vi.fn();
    const resync = vi.fn();
    const { rerender } = render(
      <LiveEventsProvider connect={events.connect}>
        <Probe listener={{ 'device.updated': onDevice, resync }} />
      </LiveEventsProvider>,
    );
    expect(events.connected()).toBe(false);
    expect(screen.getByTestId('status')).toHaveTextContent('off');

    setSession(makeLogin(makeUser({ role: 'viewer' })));
    rerender(
      <LiveEventsProvider connect={events.connect}>
        <Probe listener={{ 'device.updated': onDevice, resync }} />
      </LiveEventsProvider>,
    );
    expect(events.connected()).toBe(true);
    expect(screen.getByTestId('status')).toHaveTextContent('open');

    const update = { id: 'dev_1', serial: 'SN1', model: 'Thermo', status: 'offline', lifecycle: 'active' } as const;
    events.emit('device.updated', update);
    events.emit('onboarding.updated', { serial: 'SN1', stage: 'verified' });
    expect(onDevice).toHaveBeenCalledTimes(1);
    expect(onDevice).toHaveBeenCalledWith(update);
    expect(resync).not.toHaveBeenCalled();

    events.setStatus('reconnecting');
    expect(screen.getByTestId('status')).toHaveTextContent('reconnecting');
    events.setStatus('open');
    expect(resync).toHaveBeenCalledTimes(1);
  });

  it('stops delivering to a component once it unmounts', () => {
    setSession(makeLogin(makeUser()));
    const events = createFakeLiveEvents();
    const onOnboarding = vi.fn();
    const { unmount } = render(
      <LiveEventsProvider connect={events.connect}>
        <Probe listener={{ 'onboarding.updated': onOnboarding }} />
      </LiveEventsProvider>,
    );
    events.emit('onboarding.updated', { serial: 'SN1', stage: 'verified' });
    unmount();
    events.emit('onboarding.updated', { serial: 'SN1', stage: 'connected' });
    expect(onOnboarding).toHaveBeenCalledTimes(1);
    expect(events.connected()).toBe(false);
  });
});
