import { html, useEffect, useState } from '../../vendor/preact-htm.js';
import { get } from '../api.js';
import { dateTime, duration, runtime } from '../format.js';
import { onTaskUpdates } from '../live.js';
import { JsonBlock, StateBadge, TaskActions } from './components.js';

export function TaskDetail({ id, can, notify }) {
  const [detail, setDetail] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    let cancelled = false;
    const load = () =>
      get(`api/tasks/${encodeURIComponent(id)}`).then(
        (d) => !cancelled && (setDetail(d), setError(null)),
        (err) =>
          !cancelled &&
          setError(
            err.status === 404 ? `No task with id ${id} (never sent, or expired).` : err.message,
          ),
      );
    load();
    // The timeline comes with the detail: read it again when this task changes.
    const off = onTaskUpdates(({ tasks, overflow }) => {
      if (overflow || tasks.some((t) => t.task_id === id)) load();
    });
    return () => {
      cancelled = true;
      off();
    };
  }, [id]);

  if (error)
    return html`<section class="panel">
      <p class="error" role="alert">${error}</p>
      <a href="#/tasks">Back to tasks</a>
    </section>`;
  if (!detail) return html`<p class="muted">Loading…</p>`;
  const r = detail.record;
  const fields = [
    ['Id', r.task_id],
    ['Queue', r.queue],
    ['Priority', r.priority],
    ['Worker', r.worker ?? '–'],
    ['Schedule', r.periodic_task_name ?? '–'],
    ['Retries', r.retries],
    ['Attempts', r.attempts],
    ['Received', dateTime(r.date_received)],
    ['Started', dateTime(r.date_started)],
    ['Done', dateTime(r.date_done)],
    ['Runtime', duration(runtime(r))],
    ['ETA', dateTime(r.eta)],
    ['Expires', dateTime(r.expires)],
  ];
  return html`<section
    class="panel detail"
    data-testid="task-detail"
    data-task-id=${r.task_id}
    data-state=${r.state}
  >
    <div class="detail-head">
      <h2>${r.task_name}</h2>
      <${StateBadge} state=${r.state} />
      <${TaskActions} task=${r} can=${can} notify=${notify} />
    </div>
    <dl class="fields">
      ${fields.map(
        ([k, v]) =>
          html`<dt>${k}</dt>
            <dd>${v}</dd>`,
      )}
      ${
        r.parent_id &&
        html`<dt>Retry of</dt>
          <dd><a href=${`#/tasks/${encodeURIComponent(r.parent_id)}`}>${r.parent_id}</a></dd>`
      }
    </dl>
    <div class="columns">
      <div>
        <h3>Args</h3>
        <${JsonBlock} value=${r.args} label="args" />
      </div>
      <div>
        <h3>Kwargs</h3>
        <${JsonBlock} value=${r.kwargs} label="kwargs" />
      </div>
    </div>
    ${
      r.state === 'SUCCESS' &&
      html`<h3>Result</h3>
        <${JsonBlock} value=${r.result} label="result" />`
    }
    ${
      r.error &&
      html`<h3>${r.state === 'RETRY' ? 'Last error' : 'Error'}</h3>
        <p class="error-line" data-testid="error">
          <strong>${r.error.type}</strong>: ${r.error.message}
        </p>
        ${r.error.traceback && html`<pre class="traceback" aria-label="traceback">${r.error.traceback}</pre>`}`
    }
    <h3>Timeline</h3>
    <ol class="timeline" data-testid="timeline">
      ${detail.events.map(
        (e) =>
          html`<li>
            <${StateBadge} state=${e.state} />
            <span>${dateTime(e.at)}</span>
            ${e.worker && html`<span class="muted">on ${e.worker}</span>`}
            ${e.retries !== undefined && html`<span class="muted">retry ${e.retries}</span>`}
          </li>`,
      )}
    </ol>
  </section>`;
}
