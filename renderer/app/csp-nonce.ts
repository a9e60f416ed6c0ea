/**
 * The CSP nonce of this page load, from the `<meta property="csp-nonce">` vite writes and the server fills in
 * (main/host/csp.ts). Browsers hide a nonce attribute's value from getAttribute once applied; the `nonce`
 * property still has it.
 */
export function cspNonce(): string | undefined {
  const meta = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]');
  return meta?.nonce || undefined;
}
