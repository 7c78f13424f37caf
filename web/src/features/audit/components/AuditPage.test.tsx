import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { makeUser } from '../../../testing/fixtures';
import { server } from '../../../testing/msw-server';
import { renderApp } from '../../../testing/render';
import type { AuditEntry } from '../api/audit';
import { AuditPage } from './AuditPage';

function entry(id: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id,
    time: `2025-03-01T12:00:${String(id % 60).padStart(2, '0')}.123Z`,
    actor_type: 'user',
    actor_id: 'usr_admin',
    action: 'auth.login',
    target_type: 'user',
    target_id: 'usr_admin',
    result: 'success',
    source: '127.0.0.1',
    details: {},
    prev_hash: '00',
    hash: 'ab',
    ...overrides,
  };
}

const viewer = makeUser({ username: 'vic', role: 'viewer' });

function renderAuditPage(path = '/audit') {
  return renderApp({ user: viewer, path, routes: [{ path: '/audit', element: <AuditPage /> }] });
}

describe('AuditPage', () => {
  it('shows entries and expands their details', async () => {
    server.use(
      http.get('/api/v1/audit', () =>
        HttpResponse.json({
          items: [entry(2, { action: 'users.create', details: { username: 'terry', role: 'technician' } }), entry(1)],
          next_cursor: null,
        }),
      ),
    );
    renderAuditPage();
    const rows = await screen.findAllByTestId('audit-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('users.create');
    expect(rows[0]).toHaveTextContent('127.0.0.1');
    expect(rows[0]).toHaveTextContent('success');
    await userEvent.click(within(rows[0] as HTMLElement).getByRole('button', { name: 'Show details of entry 2' }));
    expect(screen.getByTestId('audit-details-2')).toHaveTextContent('"username": "terry"');
    expect(screen.queryByTestId('audit-load-more')).not.toBeInTheDocument();
  });

  it('sends the filters as query parameters', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get('/api/v1/audit', ({ request }) => {
        queries.push(new URL(request.url).searchParams);
        return HttpResponse.json({ items: [], next_cursor: null });
      }),
    );
    renderAuditPage();
    await screen.findByTestId('audit-empty');
    const ui = userEvent.setup();
    await ui.type(screen.getByLabelText('Actor id'), 'usr_42');
    await ui.type(screen.getByLabelText('Action'), 'users.delete');
    await ui.type(screen.getByLabelText('Target type'), 'user');
    await ui.type(screen.getByLabelText('Target id'), 'usr_7');
    await ui.selectOptions(screen.getByLabelText('Result'), 'denied');
    await ui.type(screen.getByLabelText('From'), '2025-03-01T10:00');
    await ui.click(screen.getByRole('button', { name: 'Apply filters' }));
    await screen.findByTestId('audit-empty');
    const last = queries.at(-1);
    expect(last?.get('actor_id')).toBe('usr_42');
    expect(last?.get('action')).toBe('users.delete');
    expect(last?.get('target_type')).toBe('user');
    expect(last?.get('target_id')).toBe('usr_7');
    expect(last?.get('result')).toBe('denied');
    expect(last?.get('since')).toBe(new Date('2025-03-01T10:00').toISOString().replace('.000Z', 'Z'));
    expect(last?.has('until')).toBe(false);
    expect(last?.get('limit')).toBe('50');
  });

  it('loads the next page with the cursor', async () => {
    const cursors: (string | null)[] = [];
    server.use(
      http.get('/api/v1/audit', ({ request }) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        cursors.push(cursor);
        return cursor === 'c2'
          ? HttpResponse.json({ items: [entry(1)], next_cursor: null })
          : HttpResponse.json({ items: [entry(3), entry(2)], next_cursor: 'c2' });
      }),
    );
    renderAuditPage();
    expect(await screen.findAllByTestId('audit-row')).toHaveLength(2);
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findAllByTestId('audit-row')).toHaveLength(3);
    expect(cursors).toEqual([null, 'c2']);
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('takes its filters from the URL', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get('/api/v1/audit', ({ request }) => {
        queries.push(new URL(request.url).searchParams);
        return HttpResponse.json({ items: [], next_cursor: null });
      }),
    );
    renderAuditPage('/audit?result=failure&action=auth.login');
    await screen.findByTestId('audit-empty');
    expect(queries[0]?.get('result')).toBe('failure');
    expect(queries[0]?.get('action')).toBe('auth.login');
    expect(screen.getByLabelText('Action')).toHaveValue('auth.login');
  });
});
