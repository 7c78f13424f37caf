import { Alert, Button, Group, Modal, NativeSelect, NumberInput, SimpleGrid, Stack, Switch, TextInput } from '@mantine/core';
import { useState, type SubmitEvent } from 'react';
import { isApiError } from '../../../lib/api-client';
import { notifySuccess } from '../../../lib/notify';
import {
  EMPTY_RULE_FORM,
  formToInput,
  formToPatch,
  ruleFieldError,
  ruleToForm,
  type RuleFormValues,
} from '../api/rule-form';
import { SEVERITIES, useCreateRule, useRuleGroups, useUpdateRule, type Rule, type Severity } from '../api/rules';
import { ConditionField } from './ConditionField';

const severityOptions = SEVERITIES.map((s) => ({ value: s, label: s.charAt(0).toUpperCase() + s.slice(1) }));

/**
 * Creates a rule, or edits `rule`. Remount it (key) per rule: the fields start from the rule it
 * was opened for.
 */
export function RuleFormModal({ opened, rule, onClose }: { opened: boolean; rule: Rule | null; onClose: () => void }) {
  const create = useCreateRule();
  const update = useUpdateRule();
  const groups = useRuleGroups();
  const mutation = rule ? update : create;
  const [values, setValues] = useState<RuleFormValues>(rule ? ruleToForm(rule) : EMPTY_RULE_FORM);
  const [submitted, setSubmitted] = useState(false);
  const title = rule ? 'Edit rule' : 'Create rule';

  const set = <K extends keyof RuleFormValues>(key: K, value: RuleFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
  };
  const text = (key: 'name' | 'model' | 'groupId' | 'selector') => (event: { currentTarget: { value: string } }) => {
    set(key, event.currentTarget.value);
  };

  function close() {
    setSubmitted(false);
    create.reset();
    update.reset();
    onClose();
  }

  function onSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitted(true);
    if (!values.name.trim() || !values.condition.trim()) return;
    const done = (saved: Rule) => {
      notifySuccess(rule ? `Rule ${saved.name} was saved.` : `Rule ${saved.name} was created.`);
      if (!rule) setValues(EMPTY_RULE_FORM);
      close();
    };
    if (rule) update.mutate({ id: rule.id, patch: formToPatch(rule, values) }, { onSuccess: done });
    else create.mutate(formToInput(values), { onSuccess: done });
  }

  const serverError = isApiError(mutation.error) ? mutation.error : null;
  const required = (value: string) => (submitted && !value.trim() ? 'Required' : undefined);
  const groupOptions = [
    { value: '', label: 'Any group' },
    ...(groups.data ?? []).map((g) => ({ value: g.id, label: g.name })),
  ];
  // A rule scoped to a group this user cannot see listed still shows its id.
  if (values.groupId && !groupOptions.some((o) => o.value === values.groupId))
    groupOptions.push({ value: values.groupId, label: values.groupId });

  return (
    <Modal opened={opened} onClose={close} title={title} centered size="lg">
      <form onSubmit={onSubmit} aria-label={title} noValidate>
        <Stack gap="sm">
          {mutation.error ? (
            <Alert color="red" variant="light" title={serverError?.title ?? 'Could not save the rule'} role="alert">
              {mutation.error.message}
            </Alert>
          ) : null}
          <TextInput
            label="Name"
            required
            maxLength={100}
            value={values.name}
            onChange={text('name')}
            error={ruleFieldError(serverError, 'name') ?? required(values.name)}
            data-testid="rule-name"
          />
          <ConditionField
            value={values.condition}
            onChange={(value) => {
              set('condition', value);
            }}
            error={serverError}
            required={required(values.condition)}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <NativeSelect
              label="Severity"
              data={severityOptions}
              value={values.severity}
              onChange={(e) => {
                set('severity', e.currentTarget.value as Severity);
              }}
              error={ruleFieldError(serverError, 'severity')}
              data-testid="rule-severity"
            />
            <NumberInput
              label="Heartbeat interval (s)"
              description="How often devices send a heartbeat; for heartbeat rules."
              min={1}
              max={86_400}
              allowDecimal={false}
              value={values.heartbeatIntervalS}
              onChange={(value) => {
                set('heartbeatIntervalS', typeof value === 'number' ? value : Number(value) || 0);
              }}
              error={ruleFieldError(serverError, 'heartbeat_interval_s')}
              data-testid="rule-heartbeat"
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <TextInput
              label="Model"
              placeholder="Any model"
              value={values.model}
              onChange={text('model')}
              error={ruleFieldError(serverError, 'model')}
              data-testid="rule-model"
            />
            <NativeSelect
              label="Group"
              data={groupOptions}
              value={values.groupId}
              onChange={text('groupId')}
              error={ruleFieldError(serverError, 'group_id')}
              data-testid="rule-group"
            />
            <TextInput
              label="Selector"
              placeholder="e.g. site=roof"
              value={values.selector}
              onChange={text('selector')}
              error={ruleFieldError(serverError, 'selector')}
              data-testid="rule-selector"
            />
          </SimpleGrid>
          <Switch
            label="Enabled"
            checked={values.enabled}
            onChange={(e) => {
              set('enabled', e.currentTarget.checked);
            }}
            data-testid="rule-enabled"
          />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending} data-testid="rule-submit">
              {rule ? 'Save' : 'Create'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
