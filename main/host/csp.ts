/**
 * The Content-Security-Policy for the renderer, in the Electron shell (response header on app:// and a meta tag)
 * and in the headless host alike: no remote origins, no eval, no inline code. antd's CSS-in-JS injects <style>
 * elements at run time; they carry a nonce made fresh for every index.html response, so 'unsafe-inline' is not
 * needed. The built index.html holds CSP_NONCE_PLACEHOLDER (vite's `html.cspNonce`) wherever a nonce goes; the
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
