// Live updates for the whole portal: one GET /api/v1/events stream per signed-in user, shared
// by every page. Pages subscribe with useLiveEvents() and react by patching or invalidating
// their TanStack Query data; after a reconnection they get `resync` (events were missed
// while the stream was down, so they refetch).
import { createContext, useContext, useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import type { components } from './api-types';
import { useSession } from './auth';
import { runEventStream, type StreamStatus } from './event-stream';
import type { SseMessage } from './sse';

export const EVENTS_PATH = '/api/v1/events';

export type OnboardingStage =
  | 'awaiting_approval'
  | 'waiting_for_device'
  | 'verified'
  | 'certificate_issued'
  | 'connected'
  | 'rejected'
  | 'refused';

const ONBOARDING_STAGES: readonly OnboardingStage[] = [
  'awaiting_approval',
  'waiting_for_device',
  'verified',
  'certificate_issued',
  'connected',
  'rejected',
  'refused',
];

/** `event: onboarding.updated` (users with devices.onboard). */
export interface OnboardingUpdated {
  serial: string;
  stage: OnboardingStage;
  device_id?: string;
  reason?: string;
}

/** `event: device.updated` (users with devices.read). */
export interface DeviceUpdated {
  id: string;
  serial: string;
  model: string;
  status: 'online' | 'offline';
  lifecycle: string;
  last_seen?: string;
  firmware_version?: string;
}

/** A job's executions in the portal's groups. */
export interface JobCountGroups {
  queued: number;
  in_progress: number;
  completed: number;
  failed: number;
  canceled: number;
}

/** `event: job.updated` (users with jobs.read), after every change of a job's executions. */
export interface JobUpdated {
  job_id: string;
  counts: JobCountGroups;
  by_status: Record<string, number>;
}

/** The data of `alert.raised`, `alert.acknowledged` and `alert.cleared` (users with alerts.read). */
export type AlertEvent = components['schemas']['Alert'];

const ALERT_EVENTS = ['alert.raised', 'alert.acknowledged', 'alert.cleared'] as const;
type AlertEventType = (typeof ALERT_EVENTS)[number];

export interface LiveEventMap {
  'onboarding.updated': OnboardingUpdated;
  'device.updated': DeviceUpdated;
  'job.updated': JobUpdated;
  'alert.raised': AlertEvent;
  'alert.acknowledged': AlertEvent;
  'alert.cleared': AlertEvent;
}

export type LiveEvent = {
  [K in keyof LiveEventMap]: { type: K; data: LiveEventMap[K] };
}[keyof LiveEventMap];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}

const ALERT_SEVERITIES: readonly string[] = ['info', 'warning', 'critical'];
const ALERT_STATES: readonly string[] = ['raised', 'acknowledged', 'cleared'];

function nullableString(record: Record<string, unknown>, key: string): string | null {
  const value = record[key];
  return typeof value === 'string' ? value : null;
}

/** The alert in an alert.* event's data, or null when a required member is missing. */
function parseAlert(data: Record<string, unknown>): AlertEvent | null {
  const { id, rule_id: ruleId, rule_name: ruleName, device_id: deviceId, severity, state, summary, raised_at: raisedAt } =
    data;
  if (typeof id !== 'string' || typeof ruleId !== 'string' || typeof deviceId !== 'string') return null;
  if (typeof raisedAt !== 'string' || !ALERT_STATES.includes(state as string)) return null;
  const value = data.value;
  return {
    id,
    rule_id: ruleId,
    rule_name: typeof ruleName === 'string' ? ruleName : ruleId,
    device_id: deviceId,
    severity: ALERT_SEVERITIES.includes(severity as string) ? (severity as AlertEvent['severity']) : 'warning',
    state: state as AlertEvent['state'],
    summary: typeof summary === 'string' ? summary : '',
    value: typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' ? value : null,
    raised_at: raisedAt,
    acknowledged_at: nullableString(data, 'acknowledged_at'),
    acknowledged_by: nullableString(data, 'acknowledged_by'),
    note: nullableString(data, 'note'),
    cleared_at: nullableString(data, 'cleared_at'),
    clear_summary: nullableString(data, 'clear_summary'),
  };
}

function isAlertEventType(type: string): type is AlertEventType {
  return (ALERT_EVENTS as readonly string[]).includes(type);
}

/** The typed event in an SSE message, or null for other event types and malformed data. */
export function parseLiveEvent(message: SseMessage): LiveEvent | null {
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    return null;
  }
  if (!isRecord(data)) return null;

  if (message.event === 'onboarding.updated') {
    const stage = data.stage;
    if (typeof data.serial !== 'string' || !ONBOARDING_STAGES.includes(stage as OnboardingStage)) return null;
    const event: OnboardingUpdated = { serial: data.serial, stage: stage as OnboardingStage };
    const deviceId = optionalString(data, 'device_id');
    const reason = optionalString(data, 'reason');
    if (deviceId !== undefined) event.device_id = deviceId;
    if (reason !== undefined) event.reason = reason;
    return { type: 'onboarding.updated', data: event };
  }

  if (message.event === 'device.updated') {
    const { id, serial, model, status, lifecycle } = data;
    if (typeof id !== 'string' || typeof serial !== 'string' || typeof lifecycle !== 'string') return null;
    if (status !== 'online' && status !== 'offline') return null;
    const event: DeviceUpdated = { id, serial, model: typeof model === 'string' ? model : '', status, lifecycle };
    const lastSeen = optionalString(data, 'last_seen');
    const firmware = optionalString(data, 'firmware_version');
    if (lastSeen !== undefined) event.last_seen = lastSeen;
    if (firmware !== undefined) event.firmware_version = firmware;
    return { type: 'device.updated', data: event };
  }

  if (message.event === 'job.updated') {
    const { job_id: jobId, counts, by_status: byStatus } = data;
    if (typeof jobId !== 'string' || !isRecord(counts)) return null;
    const count = (key: string) => (typeof counts[key] === 'number' ? counts[key] : 0);
    const statuses: Record<string, number> = {};
    if (isRecord(byStatus))
      for (const [status, n] of Object.entries(byStatus)) if (typeof n === 'number') statuses[status] = n;
    return {
      type: 'job.updated',
      data: {
        job_id: jobId,
        counts: {
          queued: count('queued'),
          in_progress: count('in_progress'),
          completed: count('completed'),
          failed: count('failed'),
          canceled: count('canceled'),
        },
        by_status: statuses,
      },
    };
  }

  if (isAlertEventType(message.event)) {
    const alert = parseAlert(data);
    return alert ? { type: message.event, data: alert } : null;
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// Provider

export type LiveEventListener = { [K in keyof LiveEventMap]?: (data: LiveEventMap[K]) => void } & {
  /** The stream came back after a break: whatever the page shows may be stale. */
  resync?: () => void;
};

export interface ConnectHandlers {
  onMessage: (message: SseMessage) => void;
  onStatus: (status: StreamStatus) => void;
}

/** Opens the stream and keeps it open until `signal` aborts. Tests bring a fake one. */
export type ConnectEvents = (handlers: ConnectHandlers, signal: AbortSignal) => Promise<void>;

export const connectEventStream: ConnectEvents = (handlers, signal) =>
  runEventStream({ path: EVENTS_PATH, signal, ...handlers });

export type LiveStatus = StreamStatus | 'off';

type Listeners = Set<RefObject<LiveEventListener>>;

// Two contexts, so that a status change does not resubscribe every listener.
const ListenersContext = createContext<Listeners | null>(null);
const StatusContext = createContext<LiveStatus>('off');

function deliver(listeners: Iterable<RefObject<LiveEventListener>>, event: LiveEvent): void {
  for (const ref of listeners) {
    const listener = ref.current;
    // The union does not narrow across the indexed access; each branch is checked by parseLiveEvent.
    if (event.type === 'onboarding.updated') listener['onboarding.updated']?.(event.data);
    else if (event.type === 'device.updated') listener['device.updated']?.(event.data);
    else if (event.type === 'job.updated') listener['job.updated']?.(event.data);
    else listener[event.type]?.(event.data);
  }
}

export function LiveEventsProvider({
  children,
  connect = connectEventStream,
}: {
  children: ReactNode;
  connect?: ConnectEvents;
}) {
  // One stream per user: a token refresh must not reconnect, a different user must.
  const userId = useSession()?.user.id ?? null;
  const [listeners] = useState<Listeners>(() => new Set());
  const [status, setStatus] = useState<StreamStatus>('connecting');

  useEffect(() => {
    if (userId === null) return;
    const controller = new AbortController();
    let opened = false;
    void connect(
      {
        onMessage: (message) => {
          const event = parseLiveEvent(message);
          if (event) deliver([...listeners], event);
        },
        onStatus: (next) => {
          if (controller.signal.aborted) return;
          setStatus(next);
          if (next !== 'open') return;
          if (opened) for (const ref of [...listeners]) ref.current.resync?.();
          opened = true;
        },
      },
      controller.signal,
    );
    return () => {
      controller.abort();
    };
  }, [userId, connect, listeners]);

  return (
    <ListenersContext.Provider value={listeners}>
      <StatusContext.Provider value={userId === null ? 'off' : status}>{children}</StatusContext.Provider>
    </ListenersContext.Provider>
  );
}

/**
 * Calls `listener`'s handlers for live events while the component is mounted. The listener
 * may change on every render; the subscription does not.
 */
export function useLiveEvents(listener: LiveEventListener): void {
  const listeners = useContext(ListenersContext);
  const ref = useRef(listener);
  useEffect(() => {
    ref.current = listener;
  });
  useEffect(() => {
    if (!listeners) return;
    listeners.add(ref);
    return () => {
      listeners.delete(ref);
    };
  }, [listeners]);
}

/** Whether live updates are flowing ('open'), being re-established, or off (no session). */
export function useLiveStatus(): LiveStatus {
  return useContext(StatusContext);
}
