import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../../lib/permissions';
import { makeReport, makeUser } from '../../../testing/fixtures';
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

function renderAuditPage(path = '/audit', user = viewer) {
  return renderApp({
    user,
    path,
    routes: [
      { path: '/audit', element: <AuditPage /> },
      { path: '/reports', element: <p>reports page</p> },
    ],
  });
}

/** Answers the audit log with nothing, recording the queries. */
function emptyAudit() {
  const queries: URLSearchParams[] = [];
  server.use(
    http.get('/api/v1/audit', ({ request }) => {
      queries.push(new URL(request.url).searchParams);
      return HttpResponse.json({ items: [], next_cursor: null });
    }),
  );
  return queries;
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
    await ui.type(screen.getByRole('textbox', { name: 'Action' }), 'users.delete');
    await ui.type(screen.getByRole('textbox', { name: 'Target type' }), 'user');
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
    expect(screen.getByRole('textbox', { name: 'Action' })).toHaveValue('auth.login');
  });

  it('takes the device filter of the device page\'s link', async () => {
    const queries = emptyAudit();
    renderAuditPage('/audit?target_type=device&target_id=dev_1');
    await screen.findByTestId('audit-empty');
    expect(queries[0]?.get('target_type')).toBe('device');
    expect(queries[0]?.get('target_id')).toBe('dev_1');
    expect(screen.getByRole('textbox', { name: 'Target type' })).toHaveValue('device');
    expect(screen.getByLabelText('Target id')).toHaveValue('dev_1');
  });

  it('offers admins a select of users, and puts the choice in the URL', async () => {
    const queries = emptyAudit();
    server.use(
      http.get('/api/v1/users', () =>
        HttpResponse.json({
          items: [makeUser({ id: 'usr_ada', username: 'ada', display_name: 'Ada' }), makeUser({ id: 'usr_tom', username: 'tom' })],
          next_cursor: null,
        }),
      ),
    );
    const { router } = renderAuditPage('/audit', makeUser({ role: 'admin' }));
    const ui = userEvent.setup();
    const select = await screen.findByRole('combobox', { name: 'User' });
    await screen.findByRole('option', { name: 'ada (Ada)' });
    await ui.selectOptions(select, 'usr_ada');
    await ui.click(screen.getByRole('button', { name: 'Apply filters' }));
    await waitFor(() => {
      expect(queries.at(-1)?.get('actor_id')).toBe('usr_ada');
    });
    expect(queries.at(-1)?.get('actor_type')).toBe('user');
    const params = new URLSearchParams(router.state.location.search);
    expect(params.get('actor_id')).toBe('usr_ada');
    expect(params.get('actor_type')).toBe('user');
  });

  it('gives a viewer the actor id as text (no users.manage), filled from the Users page link', async () => {
    const queries = emptyAudit();
    renderAuditPage('/audit?actor_type=user&actor_id=usr_tom');
    await screen.findByTestId('audit-empty');
    expect(screen.getByLabelText('Actor id')).toHaveValue('usr_tom');
    expect(screen.queryByRole('combobox', { name: 'User' })).not.toBeInTheDocument();
    expect(queries[0]?.get('actor_id')).toBe('usr_tom');
  });

  it('exports the applied filters as an audit report and goes to the reports', async () => {
    emptyAudit();
    const created: unknown[] = [];
    server.use(
      http.post('/api/v1/reports', async ({ request }) => {
        created.push(await request.json());
        return HttpResponse.json(makeReport({ kind: 'audit', format: 'ndjson' }), { status: 202 });
      }),
    );
    const { router } = renderAuditPage('/audit?result=failure&action=auth.login&from=2025-03-01T10:00');
    await screen.findByTestId('audit-empty');
    const ui = userEvent.setup();
    await ui.click(screen.getByRole('button', { name: 'Export' }));
    await ui.click(await screen.findByRole('menuitem', { name: /NDJSON/ }));
    await screen.findByText('reports page');
    expect(router.state.location.pathname).toBe('/reports');
    expect(created).toEqual([
      {
        kind: 'audit',
        format: 'ndjson',
        filters: {
          action: 'auth.login',
          result: 'failure',
          since: new Date('2025-03-01T10:00').toISOString().replace('.000Z', 'Z'),
        },
      },
    ]);
  });

  it.each(['technician', 'admin'] as Role[])('shows Export only with reports.create (%s)', async (role) => {
    emptyAudit();
    server.use(http.get('/api/v1/users', () => HttpResponse.json({ items: [], next_cursor: null })));
    renderAuditPage('/audit', makeUser({ role }));
    await screen.findByTestId('audit-empty');
    expect(screen.queryAllByRole('button', { name: 'Export' })).toHaveLength(role === 'admin' ? 1 : 0);
  });
});
