import { act } from '@testing-library/react';
import type { StreamStatus } from '../lib/event-stream';
import type { ConnectEvents, ConnectHandlers, LiveEventMap } from '../lib/live-events';

export interface FakeLiveEvents {
  connect: ConnectEvents;
  /** Delivers one event as the server would send it. */
  emit: <K extends keyof LiveEventMap>(type: K, data: LiveEventMap[K]) => void;
  /** Changes the stream's status ('open' after a break makes pages resync). */
  setStatus: (status: StreamStatus) => void;
  /** Whether a stream is open (a user is signed in and the provider is mounted). */
  connected: () => boolean;
}

/** A live event stream that tests drive by hand; it reports 'open' as soon as it is opened. */
export function createFakeLiveEvents(): FakeLiveEvents {
  let handlers: ConnectHandlers | null = null;
  const connect: ConnectEvents = (next, signal) =>
    new Promise<void>((resolve) => {
      handlers = next;
      next.onStatus('open');
      signal.addEventListener('abort', () => {
        if (handlers === next) handlers = null;
        resolve();
      });
    });
  return {
    connect,
    emit: (type, data) => {
      act(() => {
        handlers?.onMessage({ event: type, data: JSON.stringify(data), id: undefined });
      });
    },
    setStatus: (status) => {
      act(() => {
        handlers?.onStatus(status);
      });
    },
    connected: () => handlers !== null,
  };
}
