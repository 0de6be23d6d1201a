import { html, render, useCallback, useEffect, useState } from '../vendor/preact-htm.js';
import { del, get, setCsrfToken } from './api.js';
import { connect } from './live.js';
import { Audit } from './views/audit.js';
import { Flash } from './views/components.js';
import { Dashboard } from './views/dashboard.js';
import { Login } from './views/login.js';
import { TaskDetail } from './views/task-detail.js';
import { Tasks } from './views/tasks.js';

/** #/ (dashboard), #/tasks?filters, #/tasks/<id>, #/audit?filters (admins) */
function parseRoute(hash) {
  const [path, search = ''] = hash.replace(/^#/, '').split('?');
  const params = Object.fromEntries(new URLSearchParams(search));
  const detail = /^\/tasks\/(.+)$/.exec(path);
  if (detail) return { view: 'task', id: decodeURIComponent(detail[1]), params };
  if (path === '/tasks') return { view: 'tasks', params };
  if (path === '/audit') return { view: 'audit', params };
  return { view: 'dashboard', params };
}

function useRoute() {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

function App() {
  const [session, setSession] = useState(undefined); // undefined: not known yet; null: logged out
  const [meta, setMeta] = useState(null);
  const [snapshot, setSnapshot] = useState(null);
  const [status, setStatus] = useState('connecting');
  const [flash, setFlash] = useState(null);
  const route = useRoute();

  const loggedIn = useCallback((s) => {
    setCsrfToken(s ? s.csrf_token : null);
    setSession(s);
  }, []);

  useEffect(() => {
    // Logged out is an answer ({authenticated: false}), not an error.
    get('api/session').then(
      (s) => loggedIn(s.authenticated ? s : null),
      (err) => setFlash({ kind: 'error', text: `The server did not answer: ${err.message}` }),
    );
  }, []);

  useEffect(() => {
    if (!session) return undefined;
    get('api/meta').then(setMeta, () => undefined);
    return connect({
      onSnapshot: setSnapshot,
      onStatus: setStatus,
      onSessionEnded: () => {
        loggedIn(null);
        setFlash({ kind: 'info', text: 'Your session has ended: log in again.' });
      },
    });
  }, [session]);

  if (session === undefined) return html`<p class="booting">Loading…</p>`;
  if (session === null)
    return html`<${Login} onLogin=${(s) => (setFlash(null), loggedIn(s))} flash=${flash} />`;

  const logout = async () => {
    await del('api/session').catch(() => undefined);
    loggedIn(null);
    setSnapshot(null);
    setMeta(null);
  };
  // What this key may do, as the server decided it (the server checks each action again).
  const may = session.may ?? {};
  const sendable = new Set(meta?.sendable_tasks ?? []);
  const can = {
    revoke: may['task.revoke'] === true,
    purge: may['queue.purge'] === true,
    retry: (taskName) => may['task.retry'] === true && sendable.has(taskName),
  };
  const notify = (kind, text) => setFlash({ kind, text, at: Date.now() });
  // The audit log names every key and client: admins only (the server refuses others, 403).
  const isAdmin = session.role === 'admin';
  const props = { meta, snapshot, can, notify };

  return html`
    <header class="topbar">
      <a class="brand" href="#/">BRAiN Tasks</a>
      <nav>
        <a href="#/" class=${route.view === 'dashboard' ? 'active' : ''}>Dashboard</a>
        <a href="#/tasks" class=${['tasks', 'task'].includes(route.view) ? 'active' : ''}>Tasks</a>
        ${
          isAdmin &&
          html`<a href="#/audit" class=${route.view === 'audit' ? 'active' : ''}>Audit</a>`
        }
        ${
          isAdmin &&
          html`<a href="queues" target="_blank" rel="noopener" title="bull-board, read-only"
            >Raw jobs</a
          >`
        }
      </nav>
      <span class=${`live live-${status}`} title="Live updates">${status}</span>
      <span class="who" data-testid="who">${session.name} · ${session.role}</span>
      <button class="link" onClick=${logout}>Log out</button>
    </header>
    <main>
      <${Flash} flash=${flash} onClose=${() => setFlash(null)} />
      ${route.view === 'dashboard' && html`<${Dashboard} ...${props} />`}
      ${route.view === 'tasks' && html`<${Tasks} ...${props} params=${route.params} />`}
      ${route.view === 'task' && html`<${TaskDetail} ...${props} id=${route.id} />`}
      ${route.view === 'audit' && isAdmin && html`<${Audit} params=${route.params} />`}
    </main>
  `;
}

render(html`<${App} />`, document.getElementById('app'));
