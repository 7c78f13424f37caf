// Content-Security-Policy violations in the browser: the portal runs under the server's real
// policy, and anything it blocks (an inline script or <style>, a data: image, a foreign
// origin) is a bug the run must fail on. Chromium reports a violation twice, as a
// `securitypolicyviolation` event in the page and as a console error; both are collected,
// so one that only reaches the console (a blocked <meta> policy, a worker) is not missed.

const REPORT_PREFIX = 'mothership-e2e CSP violation:';

// Runs in every document before its own scripts (Playwright injects it through the DevTools
// protocol, which the page's policy does not govern).
/* global document */
function reportViolations(prefix) {
  document.addEventListener('securitypolicyviolation', (event) => {
    const where = event.sourceFile ? ` at ${event.sourceFile}:${event.lineNumber}` : '';
    console.error(
      `${prefix} ${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'}${where}; sample: ${event.sample}`,
    );
  });
}

/** Watches every page of `context`; returns the list it fills with violations, as text. */
export async function watchCsp(context) {
  const violations = [];
  await context.addInitScript(reportViolations, REPORT_PREFIX);
  const watch = (page) => {
    page.on('console', (msg) => {
      const text = msg.text();
      if (text.startsWith(REPORT_PREFIX) || /Content Security Policy/i.test(text)) {
        violations.push(`${page.url()}: ${text.replace(REPORT_PREFIX, '').trim()}`);
      }
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return violations;
}
