import { notifications } from '@mantine/notifications';
import { isApiError } from './api-client';

/** A readable sentence for a failed action, with the server's problem detail. */
export function describeError(error: unknown, action: string): { title: string; message: string } {
  if (isApiError(error)) {
    if (error.status === 403) {
      return { title: 'Permission denied', message: `You do not have permission to ${action}. ${error.detail}` };
    }
    const fields = error.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return {
      title: `Could not ${action}`,
      message: fields && !error.detail.includes(fields) ? `${error.detail} (${fields})` : error.detail,
    };
  }
  return { title: `Could not ${action}`, message: error instanceof Error ? error.message : String(error) };
}

export function notifyError(error: unknown, action: string): void {
  const { title, message } = describeError(error, action);
  notifications.show({ color: 'red', title, message, autoClose: 8000 });
}

export function notifySuccess(message: string): void {
  notifications.show({ color: 'teal', message, autoClose: 4000 });
}
