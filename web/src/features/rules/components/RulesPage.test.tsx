import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { makeGroup, makeRule, makeUser, problem } from '../../../testing/fixtures';
import { server } from '../../../testing/msw-server';
import { renderApp } from '../../../testing/render';
import type { Rule } from '../api/rules';
import { RulesPage } from './RulesPage';

const admin = makeUser({ role: 'admin' });
const roof = makeGroup({ id: 'grp_roof', name: 'roof' });
const hot = makeRule({ open_alerts: 2, scope: { model: 'Thermo', group_id: 'grp_roof', selector: null } });
const offline = makeRule({ id: 'rul_off', name: 'Gone quiet', condition: 'offline for 10m', kind: 'offline', severity: 'warning' });

/** A server keeping rules in memory; a condition containing "??" does not parse. */
function rulesServer(initial: Rule[]) {
  let rules = [...initial];
  const changes: { method: string; path: string; body: unknown }[] = [];
  server.use(
    http.get('/api/v1/groups', () => HttpResponse.json({ items: [roof], next_cursor: null })),
    http.get('/api/v1/rules', () => HttpResponse.json({ items: rules })),
    http.post('/api/v1/rules', async ({ request }) => {
      const body = (await request.json()) as Rule;
      changes.push({ method: 'POST', path: '/api/v1/rules', body });
      const at = body.condition.indexOf('??');
      if (at >= 0)
        return problem(422, 'validation', 'The rule is not valid.', {
          errors: [{ field: 'condition', message: `unexpected "?" at ${at}`, position: at }],
        });
      const rule = makeRule({ ...body, id: `rul_${body.name}` });
      rules = [...rules, rule];
      return HttpResponse.json(rule, { status: 201 });
    }),
    http.patch('/api/v1/rules/:id', async ({ request, params }) => {
      const body = (await request.json()) as Partial<Rule>;
      changes.push({ method: 'PATCH', path: `/api/v1/rules/${String(params.id)}`, body });
      rules = rules.map((r) => (r.id === params.id ? { ...r, ...body } : r));
      return HttpResponse.json(rules.find((r) => r.id === params.id));
    }),
    http.delete('/api/v1/rules/:id', ({ params }) => {
      changes.push({ method: 'DELETE', path: `/api/v1/rules/${String(params.id)}`, body: null });
      rules = rules.filter((r) => r.id !== params.id);
      return new HttpResponse(null, { status: 204 });
    }),
  );
  return changes;
}

function renderRules() {
  return renderApp({ user: admin, path: '/rules', routes: [{ path: '/rules', element: <RulesPage /> }] });
}

describe('RulesPage', () => {
  it('lists the rules with condition, severity, scope, enabled and open alerts', async () => {
    rulesServer([hot, offline]);
    renderRules();
    const row = await screen.findByTestId('rule-row-Overheating');
    expect(row).toHaveTextContent('temperature > 85 for 1m');
    expect(within(row).getByTestId('severity-badge')).toHaveTextContent('critical');
    await waitFor(() => {
      expect(row).toHaveTextContent('model Thermo · group roof');
    });
    expect(within(row).getByRole('switch', { name: 'Enabled: Overheating' })).toBeChecked();
    expect(within(row).getByTestId('rule-open-alerts-Overheating')).toHaveTextContent('2');
    expect(screen.getByTestId('rule-row-Gone quiet')).toHaveTextContent('Every device');
  });

  it('shows an empty state', async () => {
    rulesServer([]);
    renderRules();
    expect(await screen.findByTestId('rules-empty')).toBeInTheDocument();
  });

  it('creates a rule scoped to a group, with the whole form', async () => {
    const changes = rulesServer([]);
    renderRules();
    const ui = userEvent.setup();
    await ui.click(await screen.findByRole('button', { name: 'Create rule' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create rule' });
    expect(dialog).toHaveTextContent('offline for 10m');
    await ui.type(within(dialog).getByLabelText(/Name/), 'Hot roof');
    await ui.type(within(dialog).getByLabelText(/Condition/), 'temperature > 80 for 5m');
    await ui.selectOptions(within(dialog).getByLabelText('Severity'), 'critical');
    await ui.type(within(dialog).getByLabelText('Model'), 'Thermo');
    await within(dialog).findByRole('option', { name: 'roof' });
    await ui.selectOptions(within(dialog).getByLabelText('Group'), 'grp_roof');
    await ui.type(within(dialog).getByLabelText('Selector'), 'site=north');
    await ui.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await screen.findByTestId('rule-row-Hot roof')).toBeInTheDocument();
    expect(changes).toEqual([
      {
        method: 'POST',
        path: '/api/v1/rules',
        body: {
          name: 'Hot roof',
          condition: 'temperature > 80 for 5m',
          severity: 'critical',
          enabled: true,
          heartbeat_interval_s: 60,
          scope: { model: 'Thermo', group_id: 'grp_roof', selector: 'site=north' },
        },
      },
    ]);
  });

  it("shows the server's condition error inline, with where it stopped", async () => {
    rulesServer([]);
    renderRules();
    const ui = userEvent.setup();
    await ui.click(await screen.findByRole('button', { name: 'Create rule' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create rule' });
    await ui.type(within(dialog).getByLabelText(/Name/), 'Broken');
    await ui.type(within(dialog).getByLabelText(/Condition/), 'temperature ?? 80');
    await ui.click(within(dialog).getByRole('button', { name: 'Create' }));
    const condition = within(dialog).getByLabelText(/Condition/);
    await waitFor(() => {
      expect(condition).toHaveAccessibleDescription(/unexpected "\?" at 12/);
    });
    expect(condition).toHaveAttribute('aria-invalid', 'true');
    expect(within(dialog).getByTestId('rule-condition-position').textContent).toBe(`temperature ?? 80\n${' '.repeat(12)}^`);
  });

  it('requires a name and a condition before sending', async () => {
    const changes = rulesServer([]);
    renderRules();
    const ui = userEvent.setup();
    await ui.click(await screen.findByRole('button', { name: 'Create rule' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create rule' });
    await ui.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(within(dialog).getByLabelText(/Name/)).toHaveAccessibleDescription('Required');
    expect(within(dialog).getByLabelText(/Condition/)).toHaveAccessibleDescription(/^Required/);
    expect(changes).toEqual([]);
  });

  it('edits only what changed, toggles enabled, and deletes after confirmation', async () => {
    const changes = rulesServer([hot, offline]);
    renderRules();
    const ui = userEvent.setup();
    await ui.click(await screen.findByRole('button', { name: 'Edit Overheating' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit rule' });
    expect(within(dialog).getByLabelText(/Condition/)).toHaveValue('temperature > 85 for 1m');
    await ui.selectOptions(within(dialog).getByLabelText('Severity'), 'warning');
    await ui.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => {
      expect(within(screen.getByTestId('rule-row-Overheating')).getByTestId('severity-badge')).toHaveTextContent('warning');
    });
    expect(changes[0]).toEqual({ method: 'PATCH', path: '/api/v1/rules/rul_hot', body: { severity: 'warning' } });

    await ui.click(screen.getByRole('switch', { name: 'Enabled: Gone quiet' }));
    await waitFor(() => {
      expect(screen.getByRole('switch', { name: 'Enabled: Gone quiet' })).not.toBeChecked();
    });
    expect(changes[1]).toEqual({ method: 'PATCH', path: '/api/v1/rules/rul_off', body: { enabled: false } });

    await ui.click(screen.getByRole('button', { name: 'Delete Gone quiet' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete rule' });
    await ui.click(within(confirm).getByRole('button', { name: 'Delete' }));
    await waitFor(() => {
      expect(screen.queryByTestId('rule-row-Gone quiet')).not.toBeInTheDocument();
    });
    expect(changes[2]).toEqual({ method: 'DELETE', path: '/api/v1/rules/rul_off', body: null });
  });
});
