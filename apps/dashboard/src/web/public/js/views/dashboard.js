import { html } from '../../vendor/preact-htm.js';
import { post, query } from '../api.js';
import { ago, bytes, duration, percent, shortId } from '../format.js';
import { ThroughputChart } from './chart.js';
import { Card, TaskActions } from './components.js';

export function Dashboard({ snapshot, meta, can, notify }) {
  if (!snapshot) return html`<p class="muted">Waiting for the first snapshot…</p>`;
  const { totals, workers, queues } = snapshot;
  // From Redis, not the heartbeats: a task reading STARTED is here at once, and gone once ended.
  const running = snapshot.running ?? [];
  return html`
    <section class="cards">
      <${Card}
        label="Workers online"
        value=${totals.workers_online}
        hint=${totals.workers_offline ? `${totals.workers_offline} offline` : ''}
      />
      <${Card}
        label="Running"
        value=${totals.active}
        hint=${totals.reserved ? `${totals.reserved} reserved` : ''}
      />
      <${Card} label="Ready in queues" value=${totals.ready} />
      <${Card} label="Scheduled" value=${totals.scheduled} hint="countdown, ETA, retry" />
      <${Card} label="Processed" value=${totals.processed} hint="by the workers online" />
    </section>
    <${ThroughputChart} throughput=${snapshot.throughput} />
    <${Workers} workers=${workers} />
    <${Queues} queues=${queues} can=${can} notify=${notify} />
    <${Running} tasks=${running} can=${can} notify=${notify} />
    <${RedisLine} redis=${meta?.redis} />
  `;
}

/**
 * Where the engine's Redis is (password masked): for Sentinel, the master reached now; for a
 * Cluster, each master with its slots.
 */
function RedisLine({ redis }) {
  if (!redis) return null;
  const t = redis.topology;
  if (t?.masters) {
    const masters = t.masters.map((m) => {
      const slots = m.slots.map(([from, to]) => (from === to ? `${from}` : `${from}-${to}`));
      const replicas = m.replicas.length ? `, replicas ${m.replicas.join(', ')}` : '';
      return `${m.master} (slots ${slots.join(',')}${replicas})`;
    });
    return html`<p class="muted" data-testid="redis">
      Redis ${redis.url} (${t.kind}: masters ${masters.join('; ')})
    </p>`;
  }
  const replicas = t?.replicas.length ? `, replicas ${t.replicas.join(', ')}` : ', no replica';
  return html`<p class="muted" data-testid="redis">
    Redis ${redis.url}${t ? ` (${t.kind}: master ${t.master}${replicas})` : ''}
  </p>`;
}

function Workers({ workers }) {
  return html`<section class="panel">
    <h2>Workers</h2>
    ${
      workers.length === 0
        ? html`<p class="muted">No worker has been seen in the last hour.</p>`
        : html`<table class="grid" data-testid="workers">
            <thead>
              <tr>
                <th>Worker</th>
                <th>Pool</th>
                <th>Queues</th>
                <th class="num">Running</th>
                <th class="num">Processed</th>
                <th class="num">CPU</th>
                <th class="num">Memory</th>
                <th class="num">Load</th>
                <th>Up</th>
              </tr>
            </thead>
            <tbody>
              ${workers.map(
                (w) =>
                  html`<tr key=${w.hostname} class=${w.status}>
                    <td>
                      <span class=${`dot dot-${w.status}`} title=${w.status}></span>${w.hostname}
                      ${w.status === 'offline' && html` <span class="muted">offline</span>`}
                    </td>
                    <td>${w.pool ? `${w.pool} × ${w.concurrency}` : '–'}</td>
                    <td>${w.queues.join(', ') || '–'}</td>
                    <td class="num">
                      ${w.status === 'online' ? `${w.active.length}${w.reserved ? ` (+${w.reserved})` : ''}` : '–'}
                    </td>
                    <td
                      class="num"
                      title=${Object.entries(w.total)
                        .map(([n, c]) => `${n}: ${c}`)
                        .join('\n')}
                    >
                      ${w.processed ?? '–'}
                    </td>
                    <td class="num">${percent(w.cpu_percent)}</td>
                    <td class="num">${bytes(w.rss_bytes)}</td>
                    <td class="num">
                      ${w.loadavg.length ? w.loadavg.map((l) => l.toFixed(2)).join(' ') : '–'}
                    </td>
                    <td>${duration(w.uptime_seconds)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
  </section>`;
}

function Queues({ queues, can, notify }) {
  const purge = async (name) => {
    if (
      !confirm(
        `Purge queue "${name}"? Every task waiting in it is removed (periodic schedules stay).`,
      )
    )
      return;
    try {
      const res = await post(`api/queues/purge${query({ queue_name: name })}`);
      notify('success', `Purged ${res.purged} task(s) from ${res.queue}`);
    } catch (err) {
      notify('error', `Purge failed: ${err.message}`);
    }
  };
  return html`<section class="panel">
    <h2>Queues</h2>
    <table class="grid" data-testid="queues">
      <thead>
        <tr>
          <th>Queue</th>
          <th class="num">Queue priority</th>
          <th class="num">Ready</th>
          <th>Ready by task priority</th>
          <th class="num">Scheduled</th>
          <th class="num">Active</th>
          ${can.purge && html`<th></th>`}
        </tr>
      </thead>
      <tbody>
        ${queues.map(
          (q) =>
            html`<tr key=${q.queue}>
              <td><a href=${`#/tasks${query({ queue: q.queue })}`}>${q.queue}</a></td>
              <td class="num">${q.priority}</td>
              <td class="num">${q.depth}</td>
              <td class="priorities">
                ${Object.entries(q.by_priority)
                  .filter(([, n]) => n > 0)
                  .sort(([a], [b]) => b - a)
                  .map(
                    ([p, n]) => html`<span class="prio" title=${`priority ${p}`}>${p}: ${n}</span>`,
                  )}
              </td>
              <td class="num">${q.scheduled}</td>
              <td class="num">${q.active}</td>
              ${can.purge && html`<td><button class="danger small" onClick=${() => purge(q.queue)}>Purge</button></td>`}
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

function Running({ tasks, can, notify }) {
  return html`<section class="panel">
    <h2>Running now</h2>
    ${
      tasks.length === 0
        ? html`<p class="muted">Nothing is running.</p>`
        : html`<table class="grid" data-testid="running">
            <thead>
              <tr>
                <th>Task</th>
                <th>Id</th>
                <th>Queue</th>
                <th>Worker</th>
                <th>Started</th>
                ${can.revoke && html`<th></th>`}
              </tr>
            </thead>
            <tbody>
              ${tasks.map(
                (t) =>
                  html`<tr key=${t.task_id} data-task-id=${t.task_id}>
                    <td>${t.task_name}</td>
                    <td>
                      <a href=${`#/tasks/${encodeURIComponent(t.task_id)}`} title=${t.task_id}
                        >${shortId(t.task_id)}</a
                      >
                    </td>
                    <td>${t.queue}</td>
                    <td>
                      ${t.worker}${t.pid ? html` <span class="muted">pid ${t.pid}</span>` : ''}
                    </td>
                    <td>
                      ${t.reserved ? html`<span class="muted">reserved</span>` : ago(t.time_start)}
                    </td>
                    ${can.revoke && html`<td><${TaskActions} task=${{ ...t, state: 'STARTED' }} can=${can} notify=${notify} compact /></td>`}
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
  </section>`;
}
