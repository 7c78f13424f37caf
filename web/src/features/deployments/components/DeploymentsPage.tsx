import { ComingSoon } from '../../../components/ui/ComingSoon';
import { PageHeader } from '../../../components/ui/PageHeader';

export function DeploymentsPage() {
  return (
    <>
      <PageHeader title="Deployments" />
      <ComingSoon
        description="Roll firmware and jobs out to devices, groups and labels, and watch their progress live."
      />
    </>
  );
}
