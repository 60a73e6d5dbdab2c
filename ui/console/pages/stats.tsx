import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { Chart, ErrorNote, fmtMs, useLoad } from '../components.js';

interface Point {
  since: string;
  until: string;
  total: number;
  completed: number;
  failed: number;
  throughputPerMinute: number;
  failureRate: number;
  p95DurationMs?: number;
}

/** Throughput per minute, p95 duration and failure rate over time, for all jobs or one job name. */
export function StatsPage() {
  const [window, setWindow] = useState(60);
  const [name, setName] = useState('');
  const types = useLoad(() => api<Array<{ name: string }>>('GET', '/types'), []);
  const series = useLoad(
    () => api<{ points: Point[] }>('GET', `/stats/series${query({ window, buckets: 12, name: name || undefined })}`),
    [window, name],
  );
  const summary = useLoad(() => api('GET', `/stats${query({ window, name: name || undefined })}`), [window, name]);
  const points = series.data?.points ?? [];
  const times = points.map((p) => Date.parse(p.until) / 1000);
  return (
    <section>
      <h2>Statistics</h2>
      <div class="toolbar">
        <label>
          Window{' '}
          <select value={String(window)} onChange={(e) => setWindow(Number((e.target as HTMLSelectElement).value))}>
            {[15, 60, 360, 1440].map((m) => (
              <option value={String(m)}>{m < 60 ? `${m} min` : `${m / 60} h`}</option>
            ))}
          </select>
        </label>
        <label>
          Job{' '}
          <select value={name} onChange={(e) => setName((e.target as HTMLSelectElement).value)}>
            <option value="">all</option>
            {(types.data ?? []).map((t) => (
              <option value={t.name}>{t.name}</option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote error={series.error ?? summary.error} />
      {summary.data && (
        <p class="summary">
          {summary.data.total} attempts, {summary.data.throughputPerMinute} completed per minute, p95 {fmtMs(summary.data.p95DurationMs)}
        </p>
      )}
      {points.length > 0 && (
        <>
          <Chart
            title="Completed per minute"
            times={times}
            series={[{ label: 'completed/min', values: points.map((p) => p.throughputPerMinute), stroke: '#2563eb' }]}
          />
          <Chart
            title="p95 duration (ms)"
            times={times}
            series={[{ label: 'p95 ms', values: points.map((p) => p.p95DurationMs ?? null), stroke: '#9333ea' }]}
          />
          <Chart
            title="Failure rate"
            times={times}
            series={[{ label: 'failed share', values: points.map((p) => p.failureRate), stroke: '#dc2626' }]}
          />
        </>
      )}
    </section>
  );
}
