import { html } from '../../vendor/preact-htm.js';
import { clock } from '../format.js';

const SERIES = [
  ['succeeded', 'Succeeded'],
  ['failed', 'Failed'],
  ['revoked', 'Revoked'],
];

/** Tasks ended per minute over the last hour, stacked by outcome (SVG, no library). */
export function ThroughputChart({ throughput }) {
  const points = throughput ? throughput.points : [];
  const totals = { succeeded: 0, failed: 0, revoked: 0 };
  for (const p of points) for (const [k] of SERIES) totals[k] += p[k];
  const ended = totals.succeeded + totals.failed + totals.revoked;
  const max = Math.max(1, ...points.map((p) => p.succeeded + p.failed + p.revoked));
  const width = 600;
  const height = 120;
  const bar = points.length ? width / points.length : width;
  return html`<section class="panel">
    <h2>
      Outcomes per minute <span class="muted">(last hour, from the stored task records)</span>
    </h2>
    <div class="chart-legend">
      ${SERIES.map(([k, label]) => html`<span class=${`legend legend-${k}`}>${label} ${totals[k]}</span>`)}
      <span class="muted">
        ${ended ? `failure rate ${((100 * totals.failed) / ended).toFixed(1)} %` : 'no task ended'}
      </span>
    </div>
    <svg
      class="chart"
      viewBox=${`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      role="img"
      aria-label="Tasks ended per minute"
    >
      ${points.map((p, i) => {
        let y = height;
        return SERIES.map(([k]) => {
          const h = (p[k] / max) * (height - 4);
          y -= h;
          return h > 0
            ? html`<rect
                class=${`bar-${k}`}
                x=${i * bar + 1}
                y=${y}
                width=${Math.max(1, bar - 2)}
                height=${h}
              >
                <title>${clock(p.at)}: ${p[k]} ${k}</title>
              </rect>`
            : null;
        });
      })}
    </svg>
    <div class="chart-axis muted">
      <span>${points.length ? clock(points[0].at) : ''}</span><span>peak ${max}/min</span
      ><span>now</span>
    </div>
  </section>`;
}
