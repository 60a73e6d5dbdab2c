import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { ErrorNote, fmtDate, JsonTree, StatusBadge, useCursors, useLoad } from '../components.js';

interface StoredEvent {
  id: string;
  name: string;
  source: string | null;
  payload: unknown;
  subscribers: string[];
  emittedAt: string;
  deliveries?: Array<{ jobId: string; subscriber: string; status: string; attempts: number }>;
}

/** Application events: by name or pattern and source, in cursor pages; one event with its deliveries. */
export function AppEventsPage() {
  const [filters, setFilters] = useState({ name: '', source: '' });
  const pages = useCursors();
  const [open, setOpen] = useState<string>();
  const { cursor } = pages;
  const page = useLoad(
    () =>
      api<{ items: StoredEvent[]; nextCursor?: string }>(
        'GET',
        `/app-events${query({ name: filters.name, source: filters.source, cursor, limit: 25 })}`,
      ),
    [filters.name, filters.source, cursor],
  );
  const detail = useLoad(() => (open ? api<StoredEvent>('GET', `/app-events/${open}`) : Promise.resolve(undefined)), [open]);
  const set = (k: 'name' | 'source', v: string) => (pages.reset(), setFilters({ ...filters, [k]: v }));
  const notOn = (page.error as { status?: number } | undefined)?.status === 404;
  return (
    <section>
      <h2>Application events</h2>
      {notOn ? (
        <p>Application events are off (the `events` option, with history).</p>
      ) : (
        <>
          <div class="toolbar">
            <label>
              Name or pattern{' '}
              <input placeholder="user.*" value={filters.name} onChange={(e) => set('name', (e.target as HTMLInputElement).value)} />
            </label>
            <label>
              Source <input value={filters.source} onChange={(e) => set('source', (e.target as HTMLInputElement).value)} />
            </label>
          </div>
          <ErrorNote error={page.error} />
          <table>
            <thead>
              <tr>
                <th scope="col">Emitted</th>
                <th scope="col">Name</th>
                <th scope="col">Source</th>
                <th scope="col">Subscribers</th>
              </tr>
            </thead>
            <tbody>
              {(page.data?.items ?? []).map((e) => (
                <tr key={e.id}>
                  <td>
                    <button class="link" onClick={() => setOpen(open === e.id ? undefined : e.id)} aria-expanded={open === e.id}>
                      {fmtDate(e.emittedAt)}
                    </button>
                  </td>
                  <td>{e.name}</td>
                  <td>{e.source ?? '–'}</td>
                  <td>{e.subscribers.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {pages.pager(page.data?.nextCursor)}
          {detail.data && (
            <div class="card">
              <h3>
                {detail.data.name} <small>{detail.data.id}</small>
              </h3>
              <JsonTree value={detail.data.payload} />
              <table>
                <thead>
                  <tr>
                    <th scope="col">Subscriber</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                  </tr>
                </thead>
                <tbody>
                  {(detail.data.deliveries ?? []).map((d) => (
                    <tr key={d.jobId}>
                      <td>
                        <a href={`#/executions?name=${encodeURIComponent(d.subscriber)}`}>{d.subscriber}</a>
                      </td>
                      <td>
                        <StatusBadge status={d.status} />
                      </td>
                      <td>{d.attempts}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
