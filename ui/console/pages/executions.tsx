import { useCallback, useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { ErrorNote, fmtDate, fmtMs, go, Notice, StatusBadge, useCursors, useLoad, useRoute } from '../components.js';
import { useLiveRefresh } from '../live.js';

export interface Execution {
  id: string;
  jobId: string;
  queue: string;
  name: string;
  status: string;
  attempt: number;
  maxAttempts: number;
  data: unknown;
  result: unknown;
  errorMessage: string | null;
  errorStack: string | null;
  progress: number | object | null;
  logs: string[] | null;
  enqueuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  workerHost: string | null;
  workerPid: number | null;
  schedule: string | null;
  definitionId: string | null;
}

const STATUSES = ['running', 'completed', 'failed', 'timeout', 'cancelled', 'retrying'];
export const RETRYABLE = new Set(['failed', 'timeout', 'cancelled']);

/** Retry a finished attempt's job, or cancel a running one. */
export async function act(e: Execution, what: 'retry' | 'cancel'): Promise<string> {
  if (what === 'retry') {
    const handle = await api<{ id: string }>('POST', `/executions/${e.id}/retry`);
    return `Retried as job ${handle.id}.`;
  }
  await api('DELETE', `/runs/${encodeURIComponent(e.jobId)}${query({ queue: e.queue })}`);
  return `Cancel sent to job ${e.jobId}.`;
}

export function ExecutionsPage() {
  const { params } = useRoute();
  const filters = {
    status: params.get('status') ?? '',
    name: params.get('name') ?? '',
    definitionId: params.get('definitionId') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
  const pages = useCursors();
  const { cursor } = pages;
  const key = JSON.stringify(filters);
  const page = useLoad(
    () =>
      api<{ items: Execution[]; nextCursor?: string }>(
        'GET',
        `/executions${query({
          ...filters,
          from: filters.from ? new Date(filters.from).toISOString() : undefined,
          to: filters.to ? new Date(filters.to).toISOString() : undefined,
          cursor,
          limit: 25,
        })}`,
      ),
    [key, cursor],
  );
  const [notice, setNotice] = useState<string>();
  // Only the newest page follows the stream: an older one stays as it was read.
  const refresh = useCallback(() => !cursor && page.reload(), [cursor, page.reload]);
  const live = useLiveRefresh(refresh);
  const setFilter = (k: string, v: string) => {
    const next = { ...filters, [k]: v };
    pages.reset();
    go(`/executions${query(next)}`);
  };
  const onChange = (k: keyof typeof filters) => (e: Event) => setFilter(k, (e.target as HTMLInputElement).value);
  const text = (k: keyof typeof filters) => <input id={`f-${k}`} type="text" value={filters[k]} onChange={onChange(k)} />;
  const moment = (k: keyof typeof filters) => <input id={`f-${k}`} type="datetime-local" value={filters[k]} onChange={onChange(k)} />;
  return (
    <section>
      <h2>
        Executions <span class={`live ${live ? 'on' : 'off'}`}>{live ? 'live' : 'refreshing every 5 s'}</span>
      </h2>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label for="f-status">Status</label>
        <select id="f-status" value={filters.status} onChange={(e) => setFilter('status', (e.target as HTMLSelectElement).value)}>
          <option value="">all</option>
          {STATUSES.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
        <label for="f-name">Job name</label>
        {text('name')}
        <label for="f-definitionId">Definition id</label>
        {text('definitionId')}
        <label for="f-from">From</label>
        {moment('from')}
        <label for="f-to">To</label>
        {moment('to')}
      </form>
      <Notice text={notice} />
      <ErrorNote error={page.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Job</th>
            <th scope="col">Status</th>
            <th scope="col">Attempt</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(page.data?.items ?? []).map((e) => (
            <tr key={e.id} data-job={e.name}>
              <td>
                <a href={`#/executions/${e.id}`}>{e.id}</a>
              </td>
              <td>{e.name}</td>
              <td>
                <StatusBadge status={e.status} />
              </td>
              <td>
                {e.attempt}/{e.maxAttempts}
              </td>
              <td>{fmtDate(e.startedAt)}</td>
              <td>{fmtMs(e.durationMs)}</td>
              <td class="actions">
                {RETRYABLE.has(e.status) && (
                  <button onClick={() => act(e, 'retry').then(setNotice, (err: Error) => setNotice(err.message))}>Retry</button>
                )}
                {e.status === 'running' && (
                  <button onClick={() => act(e, 'cancel').then(setNotice, (err: Error) => setNotice(err.message))}>Cancel</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.data && !page.data.items.length && <p>No execution matches.</p>}
      {pages.pager(page.data?.nextCursor)}
    </section>
  );
}
