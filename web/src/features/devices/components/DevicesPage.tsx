import { ComingSoon } from '../../../components/ui/ComingSoon';
import { PageHeader } from '../../../components/ui/PageHeader';

export function DevicesPage() {
  return (
    <>
      <PageHeader title="Devices" />
      <ComingSoon
        description="The fleet: every registered device, its state, labels and groups, and whether it is online."
      />
    </>
  );
}
