import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type SubmitEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { isApiError, sessionExpired } from '../../../lib/api-client';
import { useAuthStatus, useSession } from '../../../lib/auth';
import { useLogin } from '../api/login';
import { useCountdown } from '../../../lib/use-countdown';

interface FromState {
  from?: string;
}

function redirectTarget(state: unknown): string {
  const from = (state as FromState | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('/login') ? from : '/';
}

export function LoginPage() {
  const session = useSession();
  const status = useAuthStatus();
  const location = useLocation();
  const navigate = useNavigate();
  const loginMutation = useLogin();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<{ title: string; detail: string; retryAfter?: number } | null>(null);
  const [wasExpired] = useState(sessionExpired);
  const [retryIn, startRetryCountdown] = useCountdown();

  const target = redirectTarget(location.state);
  if (session && !loginMutation.isPending) return <Navigate to={target} replace />;

  function onSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    loginMutation.mutate(
      { username: username.trim(), password },
      {
        onSuccess: () => {
          void navigate(target, { replace: true });
        },
        onError: (err) => {
          if (isApiError(err)) {
            if (err.status === 429 && err.retryAfter !== undefined) startRetryCountdown(err.retryAfter);
            setError({
              title: err.status === 401 ? 'Login failed' : err.title,
              detail: err.detail,
              ...(err.retryAfter !== undefined ? { retryAfter: err.retryAfter } : {}),
            });
          } else {
            setError({ title: 'Login failed', detail: err.message });
          }
        },
      },
    );
  }

  const throttled = retryIn > 0;

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" radius="md" p="xl" w={380}>
        <form onSubmit={onSubmit} aria-label="Log in" noValidate>
          <Stack gap="md">
            <div>
              <Title order={2}>Mothership</Title>
              <Text c="dimmed" size="sm">
                Log in to the fleet portal
              </Text>
            </div>
            {wasExpired && !error ? (
              <Alert color="blue" variant="light" data-testid="session-expired">
                Your session has ended. Please log in again.
              </Alert>
            ) : null}
            {error ? (
              <Alert color="red" variant="light" title={error.title} data-testid="login-error" role="alert">
                <Text size="sm">{error.detail}</Text>
              </Alert>
            ) : null}
            <TextInput
              label="Username"
              name="username"
              autoComplete="username"
              required
              autoFocus
              value={username}
              onChange={(e) => {
                setUsername(e.currentTarget.value);
              }}
              data-testid="login-username"
            />
            <PasswordInput
              label="Password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => {
                setPassword(e.currentTarget.value);
              }}
              data-testid="login-password"
            />
            <Button
              type="submit"
              loading={loginMutation.isPending || status === 'restoring'}
              disabled={throttled || !username.trim() || !password}
              data-testid="login-submit"
            >
              {throttled ? <span data-testid="login-retry-after">Try again in {retryIn} s</span> : 'Log in'}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
