/**
 * The Content-Security-Policy for the renderer, in the Electron shell (response header on app:// and a meta tag)
 * and in the headless host alike: no remote origins, no eval. Styles allow 'unsafe-inline' because antd's CSS-in-JS
 * injects <style> elements at run time; scripts never do.
 */
export function contentSecurityPolicy(connectSrc: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
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
