import { html, useState } from '../../vendor/preact-htm.js';
import { post } from '../api.js';
import { Flash } from './components.js';

/** The API key is sent once, to open a session; the page never keeps it. */
export function Login({ onLogin, flash }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    const input = e.currentTarget.elements.api_key;
    setBusy(true);
    setError(null);
    try {
      const session = await post('api/session', { api_key: input.value });
      input.value = '';
      onLogin(session);
    } catch (err) {
      setError(err.status === 401 ? 'Unknown, expired or revoked API key.' : err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<main class="login">
    <form class="login-box" onSubmit=${submit}>
      <h1>BRAiN Tasks</h1>
      <p class="muted">Log in with an API key: viewers can look, operators and admins can act.</p>
      <${Flash} flash=${flash} onClose=${() => undefined} />
      <label for="api_key">API key</label>
      <input id="api_key" name="api_key" type="password" autocomplete="off" required autofocus />
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <button type="submit" class="primary" disabled=${busy}>Log in</button>
    </form>
  </main>`;
}
