import { shareStyleNonce, styleNonce } from './csp-nonce';

describe('style nonce', () => {
  afterEach(() => {
    document.head.querySelector('meta[property="csp-nonce"]')?.remove();
    globalThis.__webpack_nonce__ = undefined;
  });

  it('is empty on a page without one, and then nothing is shared', () => {
    expect(styleNonce()).toBe('');
    shareStyleNonce();
    expect(globalThis.__webpack_nonce__).toBeUndefined();
  });

  it('comes from the meta tag the build writes and is shared with get-nonce', () => {
    const meta = document.createElement('meta');
    meta.setAttribute('property', 'csp-nonce');
    meta.setAttribute('nonce', 'n0nce_from-server');
    document.head.append(meta);
    expect(styleNonce()).toBe('n0nce_from-server');
    shareStyleNonce();
    expect(globalThis.__webpack_nonce__).toBe('n0nce_from-server');
  });
});
