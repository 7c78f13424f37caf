import { Code, TextInput } from '@mantine/core';
import { Fragment } from 'react';
import type { ApiError } from '../../../lib/api-client';
import { conditionErrorPosition, ruleFieldError } from '../api/rule-form';

const EXAMPLES = ['temperature > 80 for 5m', 'door_open == true', 'offline for 10m', 'heartbeat missing 3x'];

/** The condition, with examples of the language and, on a parse error, where it stopped. */
export function ConditionField({
  value,
  onChange,
  error,
  required,
}: {
  value: string;
  onChange: (value: string) => void;
  error: ApiError | null;
  required: string | undefined;
}) {
  const serverMessage = ruleFieldError(error, 'condition');
  const position = conditionErrorPosition(error);
  const marked = serverMessage !== undefined && position !== undefined && position <= value.length;
  return (
    <div>
      <TextInput
        label="Condition"
        required
        ff="monospace"
        value={value}
        onChange={(e) => {
          onChange(e.currentTarget.value);
        }}
        error={serverMessage ?? required}
        description={
          <>
            For example:{' '}
            {EXAMPLES.map((example, i) => (
              <Fragment key={example}>
                {i > 0 ? ', ' : null}
                <Code>{example}</Code>
              </Fragment>
            ))}
          </>
        }
        inputWrapperOrder={['label', 'input', 'error', 'description']}
        data-testid="rule-condition"
      />
      {marked ? (
        // The text as sent, with a caret under where the parser stopped.
        <Code block mt={4} data-testid="rule-condition-position" aria-label={`Error at position ${position}`}>
          {`${value}\n${' '.repeat(position)}^`}
        </Code>
      ) : null}
    </div>
  );
}
