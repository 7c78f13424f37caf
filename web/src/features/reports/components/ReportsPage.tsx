import { Card, Center, Loader, Text, Title } from '@mantine/core';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { PageHeader } from '../../../components/ui/PageHeader';
import { useCan } from '../../../lib/auth';
import { useReports } from '../api/reports';
import { CreateReportForm } from './CreateReportForm';
import { ReportsTable } from './ReportsTable';

export function ReportsPage() {
  const canCreate = useCan('reports.create');
  const reports = useReports();
  const items = reports.data?.items ?? [];

  return (
    <>
      <PageHeader
        title="Reports"
        description="Device, telemetry, audit and job exports as CSV, JSON or NDJSON, written in the background."
      />
      {canCreate ? (
        <Card withBorder radius="md" mb="md">
          <Title order={4} mb="sm">
            New report
          </Title>
          <CreateReportForm />
        </Card>
      ) : null}

      <Title order={4} mb="sm">
        Your reports
      </Title>
      {reports.isPending ? (
        <Center p="xl">
          <Loader aria-label="Loading reports" />
        </Center>
      ) : reports.isError && items.length === 0 ? (
        <ErrorAlert error={reports.error} action="list your reports" />
      ) : (
        <Card withBorder radius="md" padding={0}>
          {items.length > 0 ? (
            <ReportsTable reports={items} />
          ) : (
            <Text c="dimmed" ta="center" p="md" data-testid="reports-empty">
              You have no reports yet.
            </Text>
          )}
        </Card>
      )}
    </>
  );
}
