// What the upload form checks and prepares before anything is sent.

// semver.org 2.0.0, the grammar the server checks (src/ota/semver.cpp).
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Whether `version` is a semantic version such as 1.4.2 or 2.0.0-rc.1+build.7. */
export function isSemver(version: string): boolean {
  return version.length <= 128 && SEMVER.test(version);
}

/** A DER ECDSA P-256 signature is about 72 bytes; anything this large is not one. */
export const MAX_SIGNATURE_BYTES = 4096;

const BASE64_TEXT = /^[A-Za-z0-9+/]+={0,2}$/;

function readBytes(file: File): Promise<Uint8Array> {
  // FileReader rather than Blob.arrayBuffer(), which jsdom lacks.
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      resolve(reader.result instanceof ArrayBuffer ? new Uint8Array(reader.result) : new Uint8Array());
    };
    reader.onerror = () => {
      reject(reader.error ?? new Error('read failed'));
    };
    reader.readAsArrayBuffer(file);
  });
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The signature file as the X-Firmware-Signature header wants it: base64 of the DER bytes that
 * `openssl dgst -sha256 -sign key.pem fw.bin` writes. A file that is base64 text already
 * (`... | base64 -w0`) is taken as it is. Throws when the file cannot be a signature.
 */
export async function encodeSignature(file: File): Promise<string> {
  if (file.size === 0) throw new Error(`${file.name} is empty.`);
  if (file.size > MAX_SIGNATURE_BYTES) throw new Error(`${file.name} is too large to be a signature.`);
  const bytes = await readBytes(file);
  const text = String.fromCharCode(...bytes).trim();
  if (BASE64_TEXT.test(text) && text.length % 4 === 0) return text;
  return toBase64(bytes);
}
