import { AppShell, Badge, Burger, Button, Group, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Outlet, useLocation } from 'react-router';
import { ChangePasswordModal } from '../features/auth/components/ChangePasswordModal';
import { useLogout } from '../features/auth/api/logout';
import { useCurrentUser } from '../lib/auth';
import { ROLE_LABELS } from '../lib/permissions';
import { navItemsFor } from './nav';

function isActive(pathname: string, path: string): boolean {
  return path === '/' ? pathname === '/' : pathname === path || pathname.startsWith(`${path}/`);
}

export function AppLayout() {
  const user = useCurrentUser();
  const location = useLocation();
  const [navOpened, nav] = useDisclosure(false);
  const [passwordOpened, passwordModal] = useDisclosure(false);
  const logout = useLogout();
  const items = navItemsFor(user?.role);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={navOpened} onClick={nav.toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Title order={3}>Mothership</Title>
          </Group>
          {user ? (
            <Group gap="sm" wrap="nowrap">
              <Text size="sm" fw={500} data-testid="user-display-name" visibleFrom="xs">
                {user.display_name}
              </Text>
              <Badge variant="light" data-testid="user-role">
                {ROLE_LABELS[user.role]}
              </Badge>
              <Button variant="subtle" size="compact-sm" onClick={passwordModal.open} data-testid="change-password-button">
                Change password
              </Button>
              <Button
                variant="default"
                size="compact-sm"
                onClick={() => {
                  logout.mutate();
                }}
                loading={logout.isPending}
                data-testid="logout-button"
              >
                Logout
              </Button>
            </Group>
          ) : null}
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" component="nav" aria-label="Main navigation" data-testid="main-nav">
        {items.map((item) => (
          <NavLink
            key={item.key}
            component={Link}
            to={item.path}
            label={item.label}
            active={isActive(location.pathname, item.path)}
            onClick={nav.close}
            data-testid={`nav-${item.key}`}
          />
        ))}
      </AppShell.Navbar>

      <AppShell.Main>
        <Outlet />
      </AppShell.Main>

      <ChangePasswordModal opened={passwordOpened} onClose={passwordModal.close} />
    </AppShell>
  );
}
