import { html, useEffect, useState } from '../../vendor/preact-htm.js';
import { del, post, query } from '../api.js';
import { json } from '../format.js';

export function StateBadge({ state }) {
  return html`<span class=${`state state-${String(state).toLowerCase()}`}>${state}</span>`;
}

export function Flash({ flash, onClose }) {
  useEffect(() => {
    if (!flash || flash.kind === 'error') return undefined;
    const timer = setTimeout(onClose, 6000);
    return () => clearTimeout(timer);
  }, [flash]);
  if (!flash) return null;
  return html`<div
    class=${`flash flash-${flash.kind}`}
    role=${flash.kind === 'error' ? 'alert' : 'status'}
  >
    <span>${flash.text}</span>
    <button class="link" aria-label="Dismiss" onClick=${onClose}>×</button>
  </div>`;
}

/** Any value as indented JSON, as text. */
export function JsonBlock({ value, label }) {
  return html`<pre class="json" aria-label=${label}>${json(value)}</pre>`;
}

export function Card({ label, value, hint }) {
  return html`<div class="card">
    <div class="card-value">${value}</div>
    <div class="card-label">${label}</div>
    ${hint && html`<div class="card-hint">${hint}</div>`}
  </div>`;
}

const REVOCABLE = new Set(['PENDING', 'RETRY', 'STARTED']);
const RETRYABLE = new Set(['FAILURE', 'REVOKED']);

/**
 * Revoke, terminate and retry, as the task's state and the key allow (`can`: the server's
 * decision, retry per task); the server checks the role again whatever the page shows.
 */
export function TaskActions({ task, can, notify, compact = false }) {
  const [busy, setBusy] = useState(false);
  const mayRetry = can.retry(task.task_name);
  if (!can.revoke && !mayRetry) return null;
  const act = async (label, confirmText, send, done) => {
    if (confirmText && !confirm(confirmText)) return;
    setBusy(true);
    try {
      const res = await send();
      notify('success', done(res));
    } catch (err) {
      notify('error', `${label} failed: ${err.message}`);
    } finally {
      setBusy(false);
    }
  };
  const id = encodeURIComponent(task.task_id);
  const state = task.state;
  return html`<span class=${compact ? 'actions compact' : 'actions'}>
    ${
      can.revoke &&
      state !== 'STARTED' &&
      REVOCABLE.has(state) &&
      html`<button
        disabled=${busy}
        onClick=${() =>
          act(
            'Revoke',
            `Revoke ${task.task_name} (${task.task_id})? It will not run.`,
            () => del(`api/tasks/${id}`),
            (r) => `Revoked ${r.task_id}: ${r.status}`,
          )}
      >
        Revoke
      </button>`
    }
    ${
      can.revoke &&
      REVOCABLE.has(state) &&
      html`<button
        class="danger"
        disabled=${busy}
        onClick=${() =>
          act(
            'Terminate',
            `Terminate ${task.task_name} (${task.task_id})? A running task is stopped at once.`,
            () => del(`api/tasks/${id}${query({ terminate: true })}`),
            (r) => `Terminate sent for ${r.task_id} (was ${r.previous_status})`,
          )}
      >
        Terminate
      </button>`
    }
    ${
      mayRetry &&
      RETRYABLE.has(state) &&
      html`<button
        disabled=${busy}
        onClick=${() =>
          act(
            'Retry',
            null,
            () => post(`api/tasks/${id}/retry`),
            (r) => {
              location.hash = `#/tasks/${encodeURIComponent(r.task_id)}`;
              return `Sent again as ${r.task_id}`;
            },
          )}
      >
        Retry
      </button>`
    }
  </span>`;
}
