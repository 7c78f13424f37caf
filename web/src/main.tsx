import '@mantine/core/styles.css';
// After the core styles, as the Mantine docs say: the charts' styles build on them.
import '@mantine/charts/styles.css';
import '@mantine/notifications/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { shareStyleNonce } from './lib/csp-nonce';

shareStyleNonce();

const root = document.getElementById('root');
if (!root) throw new Error('missing #root element');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
