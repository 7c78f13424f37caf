import type { Firmware } from '../api/firmware';

export function makeFirmware(overrides: Partial<Firmware> = {}): Firmware {
  const version = overrides.version ?? '1.0.0';
  return {
    id: `fw_${version.replace(/\W/g, '_')}`,
    version,
    models: ['Thermo'],
    description: '',
    release_notes: '',
    filename: `firmware-${version}.bin`,
    size: 1_572_864,
    sha256: 'c0ffee'.padEnd(64, '0'),
    signature: null,
    signed_by: null,
    uploaded_by: 'usr_admin1',
    created_at: '2025-03-01T10:00:00Z',
    ...overrides,
  };
}
