import { html, useEffect, useState } from '../../vendor/preact-htm.js';
import { get, query } from '../api.js';
import { dateTime } from '../format.js';

const PAGE = 50;

/** Filters live in the address (#/audit?status=403&principal=...), as the task list's do. */
function setParams(params) {
  location.hash = `#/audit${query(params)}`;
}

/** Who changed what, allowed or refused: the audit log, newest first (admins only). */
export function Audit({ params }) {
  const [page, setPage] = useState(null);
  const [error, setError] = useState(null);
  const offset = Number(params.offset || 0);

  useEffect(() => {
    let cancelled = false;
    get(`api/audit${query({ ...params, limit: PAGE })}`).then(
      (p) => !cancelled && (setPage(p), setError(null)),
      (err) => !cancelled && setError(err.message),
    );
    return () => (cancelled = true);
  }, [JSON.stringify(params)]);

  const onFilter = (e) => {
    e.preventDefault();
    const f = e.currentTarget.elements;
    setParams({
      action: f.action.value.trim(),
      principal: f.principal.value.trim(),
      status: f.status.value.trim(),
    });
  };

  return html`<section class="panel">
    <h2>Audit log</h2>
    <form class="filters" onSubmit=${onFilter} role="search" key=${JSON.stringify(params)}>
      <input
        name="action"
        placeholder="Action"
        aria-label="Action"
        defaultValue=${params.action || ''}
      />
      <input
        name="principal"
        placeholder="Key name"
        aria-label="Principal"
        defaultValue=${params.principal || ''}
      />
      <input
        name="status"
        placeholder="Status"
        aria-label="Status"
        inputmode="numeric"
        size="6"
        defaultValue=${params.status || ''}
      />
      <button type="submit">Filter</button>
      <a class="button link" href="#/audit">Clear</a>
    </form>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${
      !page
        ? html`<p class="muted">Loading…</p>`
        : page.entries.length === 0
          ? html`<p class="muted">No entry matches.</p>`
          : html`<table class="grid audit" data-testid="audit">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Principal</th>
                  <th>Action</th>
                  <th class="num">Status</th>
                  <th>Client</th>
                  <th>Task / target</th>
                  <th>Reason</th>
                </tr>
              </thead>
              <tbody>
                ${page.entries.map(
                  (e) =>
                    html`<tr key=${e.id} data-status=${e.status ?? ''} data-action=${e.action}>
                      <td>${dateTime(e.at)}</td>
                      <td>${e.principal}</td>
                      <td>${e.action}</td>
                      <td class=${e.status >= 400 ? 'num refused' : 'num'}>${e.status ?? '–'}</td>
                      <td>${e.ip ?? '–'}</td>
                      <td>${e.task_id ?? e.target ?? '–'}</td>
                      <td>${e.reason ?? ''}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
    }
    ${
      page &&
      html`<div class="pager">
        <button
          disabled=${offset === 0}
          onClick=${() => setParams({ ...params, offset: Math.max(0, offset - PAGE) || undefined })}
        >
          Newer
        </button>
        <span class="muted"
          >${page.entries.length ? `${offset + 1}–${offset + page.entries.length}` : ''}</span
        >
        <button
          disabled=${!page.has_more}
          onClick=${() => setParams({ ...params, offset: offset + PAGE })}
        >
          Older
        </button>
      </div>`
    }
  </section>`;
}
