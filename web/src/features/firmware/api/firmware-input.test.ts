import { describe, expect, it } from 'vitest';
import { encodeSignature, isSemver, MAX_SIGNATURE_BYTES, toBase64 } from './firmware-input';

describe('isSemver', () => {
  it('takes what semver.org 2.0.0 takes', () => {
    for (const good of ['0.0.0', '1.2.3', '10.20.30', '1.4.2-rc.1+build.7', '1.0.0-alpha-beta.0.x', '2.0.0+20250301'])
      expect(isSemver(good), good).toBe(true);
  });

  it('refuses what the server refuses', () => {
    for (const bad of ['', '1', '1.2', '1.2.3.4', 'v1.2.3', '01.2.3', '1.02.3', '1.2.3-', '1.2.3-rc..1', '1.2.3-01', '1.2.3+', '1.2.3-rc_1', ' 1.2.3', '1.2.x'])
      expect(isSemver(bad), bad).toBe(false);
    expect(isSemver(`1.2.3-${'a'.repeat(130)}`)).toBe(false);
  });
});

describe('encodeSignature', () => {
  // The start of a DER ECDSA signature (SEQUENCE, INTEGER r …) as openssl writes it.
  const der = new Uint8Array([0x30, 0x45, 0x02, 0x21, 0x00, 0xff, 0x10, 0x80, 0x02, 0x20, 0x7f]);

  it('base64-encodes the DER bytes of a .sig file', async () => {
    const encoded = await encodeSignature(new File([der], 'fw.sig'));
    expect(encoded).toBe(toBase64(der));
    expect(Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0))).toEqual(der);
  });

  it('takes a file that is base64 already as it is', async () => {
    const text = toBase64(der);
    expect(await encodeSignature(new File([`${text}\n`], 'fw.sig.b64'))).toBe(text);
  });

  it('refuses an empty or a large file', async () => {
    await expect(encodeSignature(new File([], 'empty.sig'))).rejects.toThrow('empty.sig is empty.');
    await expect(encodeSignature(new File([new Uint8Array(MAX_SIGNATURE_BYTES + 1)], 'fw.bin'))).rejects.toThrow(
      'too large to be a signature',
    );
  });
});
