// The rule form's values and what they become in a request: empty scope fields are "any".
import type { ApiError } from '../../../lib/api-client';
import type { Rule, RuleInput, RulePatch, RuleScope, Severity } from './rules';

export interface RuleFormValues {
  name: string;
  condition: string;
  severity: Severity;
  enabled: boolean;
  heartbeatIntervalS: number;
  model: string;
  groupId: string;
  selector: string;
}

export const DEFAULT_HEARTBEAT_INTERVAL_S = 60;

export const EMPTY_RULE_FORM: RuleFormValues = {
  name: '',
  condition: '',
  severity: 'warning',
  enabled: true,
  heartbeatIntervalS: DEFAULT_HEARTBEAT_INTERVAL_S,
  model: '',
  groupId: '',
  selector: '',
};

export function ruleToForm(rule: Rule): RuleFormValues {
  return {
    name: rule.name,
    condition: rule.condition,
    severity: rule.severity,
    enabled: rule.enabled,
    heartbeatIntervalS: rule.heartbeat_interval_s,
    model: rule.scope.model ?? '',
    groupId: rule.scope.group_id ?? '',
    selector: rule.scope.selector ?? '',
  };
}

function formScope(values: RuleFormValues): RuleScope {
  const orNull = (text: string) => text.trim() || null;
  return { model: orNull(values.model), group_id: orNull(values.groupId), selector: orNull(values.selector) };
}

export function formToInput(values: RuleFormValues): RuleInput {
  return {
    name: values.name.trim(),
    condition: values.condition.trim(),
    severity: values.severity,
    enabled: values.enabled,
    heartbeat_interval_s: values.heartbeatIntervalS,
    scope: formScope(values),
  };
}

/**
 * Only what the form changed: the server clears a rule's open alerts when its condition, scope
 * or heartbeat interval changes, so an unchanged one must not be sent as if it were new.
 */
export function formToPatch(rule: Rule, values: RuleFormValues): RulePatch {
  const input = formToInput(values);
  const patch: RulePatch = {};
  if (input.name !== rule.name) patch.name = input.name;
  if (input.condition !== rule.condition) patch.condition = input.condition;
  if (input.severity !== rule.severity) patch.severity = input.severity;
  if (input.enabled !== rule.enabled) patch.enabled = input.enabled;
  if (input.heartbeat_interval_s !== rule.heartbeat_interval_s) patch.heartbeat_interval_s = input.heartbeat_interval_s;
  const scope = formScope(values);
  const same = (a: string | null | undefined, b: string | null | undefined) => (a ?? null) === (b ?? null);
  if (
    !same(scope.model, rule.scope.model) ||
    !same(scope.group_id, rule.scope.group_id) ||
    !same(scope.selector, rule.scope.selector)
  )
    patch.scope = scope;
  return patch;
}

/** The server's error for a form field; scope fields may come as `scope.model` or `model`. */
export function ruleFieldError(error: ApiError | null, field: string): string | undefined {
  if (!error) return undefined;
  return error.fieldError(field) ?? error.fieldError(`scope.${field}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where (0-based byte offset) the condition stopped parsing, when the server said. */
export function conditionErrorPosition(error: ApiError | null): number | undefined {
  if (!error) return undefined;
  const entries = Array.isArray(error.body.errors) ? error.body.errors.filter(isRecord) : [];
  const entry = entries.find((e) => e.field === 'condition');
  const position = entry?.position ?? error.body.position;
  return typeof position === 'number' && position >= 0 ? position : undefined;
}
