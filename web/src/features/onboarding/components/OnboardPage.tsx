import { ComingSoon } from '../../../components/ui/ComingSoon';
import { PageHeader } from '../../../components/ui/PageHeader';

export function OnboardPage() {
  return (
    <>
      <PageHeader title="Onboard a device" />
      <ComingSoon
        description="Enter the serial number and claim code printed on a device to register it and issue its certificate."
      />
    </>
  );
}
