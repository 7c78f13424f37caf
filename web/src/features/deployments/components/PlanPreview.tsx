import { Alert, List, Text } from '@mantine/core';
import type { JobPlan } from '../api/jobs';

const SKIP_REASONS: Record<string, string> = {
  unknown_device: 'unknown device',
  decommissioned: 'decommissioned',
  incompatible_model: 'a model the firmware does not fit',
  already_on_version: 'already on this version',
  in_another_job: 'in another active job',
};

/** The dry run's answer: who gets the job, who is skipped and why, and the wave plan. */
export function PlanPreview({ plan }: { plan: JobPlan }) {
  const total = plan.targets.length;
  return (
    <Alert color="blue" variant="light" title="Preview" data-testid="job-plan">
      <Text size="sm" data-testid="job-plan-targets" data-count={total}>
        {total} {total === 1 ? 'device gets' : 'devices get'} the firmware
        {plan.offline ? ` (${plan.offline} offline now: they get it when they connect)` : ''}.
      </Text>
      {plan.waves.length > 1 ? (
        <Text size="sm" data-testid="job-plan-waves">
          Waves: {plan.waves.map((n, i) => `${i + 1}: ${n}`).join(' · ')} devices released by the end of each.
        </Text>
      ) : null}
      {plan.skipped.length ? (
        <>
          <Text size="sm" mt="xs">
            {plan.skipped.length} skipped:
          </Text>
          <List size="sm" data-testid="job-plan-skipped">
            {plan.skipped.map((s) => (
              <List.Item key={s.device_id}>
                {s.device_id}: {SKIP_REASONS[s.reason ?? ''] ?? s.reason}
              </List.Item>
            ))}
          </List>
        </>
      ) : null}
    </Alert>
  );
}
