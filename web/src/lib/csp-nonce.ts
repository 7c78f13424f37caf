// The portal runs under a Content-Security-Policy that allows <style> elements only with the
// nonce the server put into this page (src/api/static_site.cpp; Vite writes it into
// <meta property="csp-nonce">, see vite.config.ts). Libraries that insert <style> elements
// must carry it, or the browser drops their rules.

declare global {
  // Read by get-nonce, through which react-style-singleton (react-remove-scroll, under
  // Mantine's Modal) adds its scroll-lock <style>.
  var __webpack_nonce__: string | undefined;
}

/** This page's style nonce; empty without one (`vite dev`, most tests). */
export function styleNonce(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]');
  // Browsers hide the attribute once the page is parsed and keep the value in the property.
  return meta?.nonce || meta?.getAttribute('nonce') || '';
}

/** Hands the nonce to libraries that take it from a global rather than from a prop. */
export function shareStyleNonce(): void {
  const nonce = styleNonce();
  if (nonce) globalThis.__webpack_nonce__ = nonce;
}
