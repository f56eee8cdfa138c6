// Login in `client` auth mode: paste a token (`argo auth token` prints it); it is checked against the
// server before the UI moves on, so a wrong one is told at once.
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiFailure, get } from '../api/http';
import { clearToken, saveToken } from './token';

export function LoginPage() {
  const navigate = useNavigate();
  const [token, setToken] = useState('');
  const [message, setMessage] = useState<{ error: boolean; text: string }>();

  const login = async (): Promise<void> => {
    saveToken(token);
    try {
      await get('userinfo');
      await get('workflows/', { 'listOptions.limit': 1, fields: 'metadata' });
      navigate('/workflows');
    } catch (err) {
      clearToken();
      const status = err instanceof ApiFailure ? err.status : 0;
      setMessage({
        error: true,
        text:
          status === 401
            ? 'Unauthorized (401): the server does not accept this token. Copy it again from `argo auth token`.'
            : status === 403
              ? 'Forbidden (403): this token may not list workflows.'
              : `Login failed: ${(err as Error).message}`,
      });
    }
  };

  return (
    <section aria-labelledby="login-title" className="login">
      <h1 id="login-title">Login</h1>
      <p>
        The server wants a token (client auth mode). Run <code>argo auth token</code> on the server&apos;s
        machine and paste what it prints.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void login();
        }}
      >
        <div className="field">
          <label htmlFor="token">Token</label>
          <textarea
            id="token"
            rows={3}
            value={token}
            onChange={(e) => setToken(e.target.value)}
            spellCheck={false}
            autoFocus
          />
        </div>
        {message && (
          <div className={message.error ? 'error' : 'info'} role="alert">
            {message.text}
          </div>
        )}
        <button type="submit" className="primary" disabled={!token.trim()}>
          Login
        </button>{' '}
        <button
          type="button"
          onClick={() => {
            clearToken();
            setMessage({ error: false, text: 'Logged out: the token is forgotten.' });
          }}
        >
          Logout
        </button>
      </form>
    </section>
  );
}
