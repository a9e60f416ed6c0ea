import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
import './app/global.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startApi } from './api-client';
import { App } from './app/App';
import { applyNonceToStyles, cspNonce } from './app/csp-nonce';
import { initI18n } from './i18n';

// The token leaves the address bar before anything renders (api-client.ts).
startApi();
initI18n();
applyNonceToStyles(cspNonce());

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
