import type { ReactNode } from 'react';
import type { RouteObject } from 'react-router';
import { NotFound } from '../components/ui/NotFound';
import { AlertsPage } from '../features/alerts/components/AlertsPage';
import { AuditPage } from '../features/audit/components/AuditPage';
import { LoginPage } from '../features/auth/components/LoginPage';
import { DashboardPage } from '../features/dashboard/components/DashboardPage';
import { DeploymentsPage } from '../features/deployments/components/DeploymentsPage';
import { JobPage } from '../features/deployments/components/JobPage';
import { DevicePage } from '../features/devices/components/DevicePage';
import { DevicesPage } from '../features/devices/components/DevicesPage';
import { GroupPage } from '../features/devices/components/GroupPage';
import { GroupsPage } from '../features/devices/components/GroupsPage';
import { FirmwarePage } from '../features/firmware/components/FirmwarePage';
import { OnboardPage } from '../features/onboarding/components/OnboardPage';
import { RegistryPage } from '../features/registry/components/RegistryPage';
import { ReportsPage } from '../features/reports/components/ReportsPage';
import { RulesPage } from '../features/rules/components/RulesPage';
import { UsersPage } from '../features/users/components/UsersPage';
import { AppLayout } from './AppLayout';
import { RequireAuth, RequirePermission } from './guards';
import { NAV_ITEMS, type NavKey } from './nav';
import { RouteError } from './RouteError';

const PAGES: Record<NavKey, ReactNode> = {
  dashboard: <DashboardPage />,
  devices: <DevicesPage />,
  groups: <GroupsPage />,
  onboard: <OnboardPage />,
  registry: <RegistryPage />,
  firmware: <FirmwarePage />,
  deployments: <DeploymentsPage />,
  alerts: <AlertsPage />,
  rules: <RulesPage />,
  audit: <AuditPage />,
  reports: <ReportsPage />,
  users: <UsersPage />,
};

const pageRoutes: RouteObject[] = NAV_ITEMS.map((item) => {
  const element = (
    <RequirePermission permission={item.permission} action={item.action}>
      {PAGES[item.key]}
    </RequirePermission>
  );
  return item.path === '/' ? { index: true, element } : { path: item.path, element };
});

/** Pages reached from another page rather than from the navigation. */
const detailRoutes: RouteObject[] = [
  {
    path: '/devices/:id',
    element: (
      <RequirePermission permission="devices.read" action="view devices">
        <DevicePage />
      </RequirePermission>
    ),
  },
  {
    path: '/deployments/:id',
    element: (
      <RequirePermission permission="jobs.read" action="view deployments">
        <JobPage />
      </RequirePermission>
    ),
  },
  {
    path: '/groups/:id',
    element: (
      <RequirePermission permission="devices.read" action="view device groups">
        <GroupPage />
      </RequirePermission>
    ),
  },
];

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage />, errorElement: <RouteError /> },
  {
    path: '/',
    element: (
      <RequireAuth>
        <AppLayout />
      </RequireAuth>
    ),
    errorElement: <RouteError />,
    children: [
      {
        // Errors inside a page keep the shell (header and navigation) around them.
        errorElement: <RouteError />,
        children: [...pageRoutes, ...detailRoutes, { path: '*', element: <NotFound /> }],
      },
    ],
  },
];
