import { html, useEffect, useRef, useState } from '../../vendor/preact-htm.js';
import { get, query } from '../api.js';
import { dateTime, duration, runtime, shortId } from '../format.js';
import { onTaskUpdates } from '../live.js';
import { StateBadge } from './components.js';

const PAGE = 50;

/** Filters live in the address (#/tasks?status=FAILURE&queue=default...): links and reloads keep them. */
function setParams(params) {
  location.hash = `#/tasks${query(params)}`;
}

function matches(record, p) {
  if (p.status && record.state !== p.status) return false;
  if (p.task_name && record.task_name !== p.task_name) return false;
  if (p.queue && record.queue !== p.queue) return false;
  if (p.search) {
    const s = p.search.trim().toLowerCase();
    if (record.task_id.toLowerCase() !== s && !record.task_name.toLowerCase().includes(s))
      return false;
  }
  return true;
}

export function Tasks({ meta, params }) {
  const [page, setPage] = useState(null);
  const [error, setError] = useState(null);
  const offset = Number(params.offset || 0);
  const reload = useRef(() => undefined);

  useEffect(() => {
    let cancelled = false;
    const load = () =>
      get(`api/tasks${query({ ...params, limit: PAGE })}`).then(
        (p) => !cancelled && (setPage(p), setError(null)),
        (err) => !cancelled && setError(err.message),
      );
    reload.current = load;
    load();
    return () => (cancelled = true);
  }, [JSON.stringify(params)]);

  // Live: rows change state in place; new tasks that fit the filters appear on the first page.
  useEffect(() => {
    let pendingReload;
    return onTaskUpdates(({ tasks, overflow }) => {
      if (overflow) {
        clearTimeout(pendingReload);
        pendingReload = setTimeout(() => reload.current(), 1000);
        return;
      }
      setPage((current) => {
        if (!current) return current;
        const byId = new Map(tasks.map((t) => [t.task_id, t]));
        const shown = current.tasks
          .map((t) => byId.get(t.task_id) ?? t)
          .filter((t) => matches(t, params));
        const known = new Set(shown.map((t) => t.task_id));
        const fresh =
          offset === 0 && !params.cursor
            ? tasks.filter((t) => !known.has(t.task_id) && matches(t, params))
            : [];
        fresh.sort((a, b) => b.date_received.localeCompare(a.date_received));
        return { ...current, tasks: [...fresh, ...shown].slice(0, PAGE) };
      });
    });
  }, [JSON.stringify(params)]);

  const onFilter = (e) => {
    e.preventDefault();
    const form = e.currentTarget.form ?? e.currentTarget;
    const f = form.elements;
    setParams({
      search: f.search.value.trim(),
      status: f.status.value,
      task_name: f.task_name.value,
      queue: f.queue.value,
    });
  };

  // The search box is left to the browser (defaultValue): live updates re-render this view, and
  // must not wipe what is being typed. It starts again (key) when the address changes.
  return html`<section class="panel">
    <h2>Tasks</h2>
    <form class="filters" onSubmit=${onFilter} role="search">
      <input
        name="search"
        type="search"
        placeholder="Task id or name"
        aria-label="Search"
        key=${`search:${params.search || ''}`}
        defaultValue=${params.search || ''}
      />
      <select name="status" aria-label="State" onChange=${onFilter}>
        <option value="">Any state</option>
        ${(meta?.states ?? []).map((s) => html`<option value=${s} selected=${params.status === s}>${s}</option>`)}
      </select>
      <select name="task_name" aria-label="Task name" onChange=${onFilter}>
        <option value="">Any task</option>
        ${(meta?.task_names ?? []).map((n) => html`<option value=${n} selected=${params.task_name === n}>${n}</option>`)}
      </select>
      <select name="queue" aria-label="Queue" onChange=${onFilter}>
        <option value="">Any queue</option>
        ${(meta?.queues ?? []).map((q) => html`<option value=${q} selected=${params.queue === q}>${q}</option>`)}
      </select>
      <button type="submit">Search</button>
      <a class="button link" href="#/tasks">Clear</a>
    </form>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${
      !page
        ? html`<p class="muted">Loading…</p>`
        : page.tasks.length === 0
          ? html`<p class="muted">
              No task
              matches${meta ? ` (records are kept ${duration(meta.result_expires_seconds)})` : ''}.
            </p>`
          : html`<table class="grid tasks" data-testid="tasks">
              <thead>
                <tr>
                  <th>Received</th>
                  <th>Task</th>
                  <th>Id</th>
                  <th>State</th>
                  <th>Queue</th>
                  <th>Worker</th>
                  <th class="num">Runtime</th>
                </tr>
              </thead>
              <tbody>
                ${page.tasks.map(
                  (t) =>
                    html`<tr
                      key=${t.task_id}
                      data-task-id=${t.task_id}
                      data-state=${t.state}
                      onClick=${() => (location.hash = `#/tasks/${encodeURIComponent(t.task_id)}`)}
                    >
                      <td>${dateTime(t.date_received)}</td>
                      <td>
                        ${t.task_name}
                        ${
                          t.periodic_task_name &&
                          html` <span class="schedule-tag" title="Fired by this Beat schedule"
                            >${t.periodic_task_name}</span
                          >`
                        }
                      </td>
                      <td>
                        <a href=${`#/tasks/${encodeURIComponent(t.task_id)}`} title=${t.task_id}
                          >${shortId(t.task_id)}</a
                        >
                      </td>
                      <td><${StateBadge} state=${t.state} /></td>
                      <td>${t.queue}</td>
                      <td>${t.worker ?? '–'}</td>
                      <td class="num">${duration(runtime(t))}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
    }
    ${
      page &&
      html`<div class="pager">
        <button
          disabled=${offset === 0 && !params.cursor}
          onClick=${() =>
            setParams({
              ...params,
              // Past a cursor, back to the newest: cursors only go on to older tasks.
              cursor: undefined,
              offset: params.cursor ? undefined : Math.max(0, offset - PAGE) || undefined,
            })}
        >
          ${params.cursor ? 'Newest' : 'Newer'}
        </button>
        <span class="muted"
          >${
            page.tasks.length && !params.cursor ? `${offset + 1}–${offset + page.tasks.length}` : ''
          }</span
        >
        <button
          disabled=${!page.has_more}
          onClick=${() => setParams({ ...params, offset: undefined, cursor: page.next_cursor })}
        >
          Older
        </button>
      </div>`
    }
  </section>`;
}
