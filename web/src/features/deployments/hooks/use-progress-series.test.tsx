import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { createQueryClient } from '../../../lib/query-client';
import { server } from '../../../testing/msw-server';
import { useProgressSeries } from './use-progress-series';

const counts = { queued: 1, in_progress: 1, completed: 1, failed: 0, canceled: 0 };

function wrapper({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={createQueryClient()}>{children}</QueryClientProvider>;
}

describe('useProgressSeries', () => {
  it("appends live counts after the server's samples even when this browser's clock is behind", async () => {
    // The server's clock is an hour ahead of the browser's.
    const serverNow = Date.now() + 3_600_000;
    server.use(
      http.get('/api/v1/jobs/job_1/progress', () =>
        HttpResponse.json({ items: [{ at: new Date(serverNow).toISOString(), ...counts }] }),
      ),
    );
    const { result } = renderHook(() => useProgressSeries('job_1'), { wrapper });
    await waitFor(() => {
      expect(result.current.points).toHaveLength(1);
    });
    act(() => {
      result.current.onUpdate({ job_id: 'job_other', counts, by_status: {} });
      result.current.onUpdate({ job_id: 'job_1', counts: { ...counts, queued: 0, completed: 2 }, by_status: {} });
    });
    expect(result.current.points).toHaveLength(2);
    expect(result.current.points[1]).toMatchObject({ completed: 2, t: serverNow });
  });
});
