import { ComingSoon } from '../../../components/ui/ComingSoon';
import { PageHeader } from '../../../components/ui/PageHeader';

export function FirmwarePage() {
  return (
    <>
      <PageHeader title="Firmware" />
      <ComingSoon
        description="The firmware catalog: upload images, check their hashes and signatures, and see which models they fit."
      />
    </>
  );
}
