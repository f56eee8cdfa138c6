// The UI's entry: the router runs under the page's base href (the server's --base-href).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app';
import './styles.css';

const basename = new URL(document.baseURI).pathname.replace(/\/$/, '');

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* Filters live in the URL and their inputs are controlled by it: without transitions a click on
        a phase checkbox shows its new state at once, instead of React restoring the old state until a
        deferred location update lands (on a busy machine, long enough to look like a lost click). */}
    <BrowserRouter basename={basename} useTransitions={false}>
      <App />
    </BrowserRouter>
  </StrictMode>,
);
