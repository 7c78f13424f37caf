import { http, HttpResponse } from 'msw';

/**
 * What the dashboard asks for on a fresh install, for tests of the app shell that land on "/"
 * and are about something else.
 */
export function freshInstallHandlers() {
  return [
    http.get('/api/v1/telemetry/fleet', () =>
      HttpResponse.json({
        devices: { total: 0, online: 0, offline: 0 },
        by_model: [],
        by_firmware: [],
        by_health: [],
        online: { interval_ms: 300_000, points: [] },
        messages_per_minute: { interval_ms: 300_000, points: [] },
      }),
    ),
    http.get('/api/v1/jobs', () => HttpResponse.json({ items: [], next_cursor: null })),
    http.get('/api/v1/onboarding', () => HttpResponse.json({ items: [] })),
    http.get('/api/v1/alerts', () => HttpResponse.json({ items: [], next_cursor: null })),
  ];
}
