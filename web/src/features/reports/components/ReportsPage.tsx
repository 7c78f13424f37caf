import { ComingSoon } from '../../../components/ui/ComingSoon';
import { PageHeader } from '../../../components/ui/PageHeader';

export function ReportsPage() {
  return (
    <>
      <PageHeader title="Reports" />
      <ComingSoon
        description="Generate device, telemetry, audit and job reports as CSV, JSON or NDJSON, and download them."
      />
    </>
  );
}
