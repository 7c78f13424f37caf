import { Button, Card, Center, Loader, Text } from '@mantine/core';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { PageHeader } from '../../../components/ui/PageHeader';
import { useCan } from '../../../lib/auth';
import { useAuditEntries } from '../api/audit';
import { useAuditFilters } from '../hooks/use-audit-filters';
import { AuditFiltersForm } from './AuditFiltersForm';
import { AuditTable } from './AuditTable';
import { ExportAuditButton } from './ExportAuditButton';

export function AuditPage() {
  const filters = useAuditFilters();
  const canExport = useCan('reports.create');
  const audit = useAuditEntries(filters.query);
  const entries = audit.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change, login and device event, newest first."
        actions={canExport ? <ExportAuditButton query={filters.query} /> : null}
      />
      <Card withBorder radius="md" mb="md">
        <AuditFiltersForm key={filters.key} initial={filters.values} onApply={filters.apply} />
      </Card>

      {audit.isPending ? (
        <Center p="xl">
          <Loader aria-label="Loading audit entries" />
        </Center>
      ) : audit.isError && entries.length === 0 ? (
        <ErrorAlert error={audit.error} action="read the audit log" />
      ) : (
        <Card withBorder radius="md" padding={0}>
          <AuditTable entries={entries} />
          {entries.length === 0 ? (
            <Text c="dimmed" ta="center" p="md" data-testid="audit-empty">
              No entries match these filters.
            </Text>
          ) : null}
        </Card>
      )}

      {audit.hasNextPage ? (
        <Center mt="md">
          <Button
            variant="default"
            onClick={() => void audit.fetchNextPage()}
            loading={audit.isFetchingNextPage}
            data-testid="audit-load-more"
          >
            Load more
          </Button>
        </Center>
      ) : null}
      {audit.isError && entries.length > 0 ? (
        <ErrorAlert error={audit.error} action="load more audit entries" />
      ) : null}
    </>
  );
}
