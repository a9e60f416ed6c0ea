/**
 * The CSP nonce of this page load, from the `<meta property="csp-nonce">` vite writes and the server fills in
 * (main/host/csp.ts). Browsers hide a nonce attribute's value from getAttribute once applied; the `nonce`
 * property still has it.
 */
export function cspNonce(): string | undefined {
  const meta = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]');
  return meta?.nonce || undefined;
}

/**
 * Gives every <style> element the page's nonce as it is created. antd's CSS-in-JS takes the nonce from
 * ConfigProvider, but a few helpers of its rc-* components (scroll-bar measuring, for one) inject <style> elements
 * on their own; without this the CSP would block them, or need 'unsafe-inline'.
 */
export function applyNonceToStyles(nonce: string | undefined): void {
  if (!nonce) return;
  const create = document.createElement.bind(document);
  document.createElement = ((tagName: string, options?: ElementCreationOptions) => {
    const element = create(tagName, options);
    if (tagName.toLowerCase() === 'style') element.setAttribute('nonce', nonce);
    return element;
  }) as typeof document.createElement;
}
