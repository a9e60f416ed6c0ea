/**
 * The Content-Security-Policy for the renderer, in the Electron shell (response header on app:// and a meta tag)
 * and in the headless host alike: no remote origins, no eval, no inline scripts or <style> elements. antd's
 * CSS-in-JS injects <style> elements at run time; they carry a nonce made fresh for every index.html response, so
 * style-src needs no 'unsafe-inline' (only style attributes, style-src-attr, still do). The built index.html holds CSP_NONCE_PLACEHOLDER (vite's `html.cspNonce`) wherever a nonce goes; the
 * server swaps it for the response's nonce.
 */
import { randomBytes } from 'node:crypto';

/** What vite writes into index.html (meta tag, nonce attributes); never valid outside a development server. */
export const CSP_NONCE_PLACEHOLDER = 'cunyiCspNoncePlaceholder';

export function newCspNonce(): string {
  return randomBytes(18).toString('base64');
}

export function contentSecurityPolicy(connectSrc: readonly string[] = [], nonce?: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    nonce ? `style-src 'self' 'nonce-${nonce}'` : "style-src 'self'",
    // style="" attributes only style their own element (no selectors, no @import, no url() exfiltration beyond
    // img-src): antd and rc-components set some through setAttribute, which no nonce can cover. <style> elements,
    // the dangerous part, need the nonce (style-src above).
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${connectSrc.join(' ')}`.trim(),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "worker-src 'self' blob:",
  ].join('; ');
}

/** index.html with every placeholder replaced by this response's nonce. */
export function htmlWithNonce(html: Buffer, nonce: string): Buffer {
  return Buffer.from(html.toString('utf8').replaceAll(CSP_NONCE_PLACEHOLDER, nonce), 'utf8');
}
