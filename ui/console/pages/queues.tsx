import { useState } from 'preact/hooks';
import type { QueueCounts as Counts } from '../../../lib/interfaces/job-info.interface.js';
import { api, boardUrl } from '../api.js';
import { ErrorNote, Notice, useLoad } from '../components.js';
import { useLiveRefresh } from '../live.js';

/** As the admin API answers `GET queues`: the package's own type, with the queue's name. */
type QueueCounts = Counts & { name: string };

const COLUMNS = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed', 'waiting-children'] as const;

/** Each queue's counts, with pause, resume, drain and clean, and a link to Bull Board. */
export function QueuesPage() {
  const list = useLoad(() => api<QueueCounts[]>('GET', '/queues'), []);
  useLiveRefresh(list.reload);
  const [notice, setNotice] = useState<string>();
  const run = async (what: string, name: string, body?: unknown) => {
    try {
      await api('POST', `/queues/${encodeURIComponent(name)}/${what}`, body);
      setNotice(`${name}: ${what} done.`);
      list.reload();
    } catch (err) {
      setNotice((err as Error).message);
    }
  };
  return (
    <section>
      <h2>Queues</h2>
      {boardUrl && (
        <p>
          <a href={boardUrl}>Open Bull Board</a>
        </p>
      )}
      <Notice text={notice} />
      <ErrorNote error={list.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Queue</th>
            {COLUMNS.map((c) => (
              <th scope="col">{c}</th>
            ))}
            <th scope="col">State</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((q) => (
            <tr key={q.name} data-queue={q.name}>
              <td>{q.name}</td>
              {COLUMNS.map((c) => (
                <td class="num">{q[c]}</td>
              ))}
              <td>{q.paused ? 'paused' : 'running'}</td>
              <td class="actions">
                {q.paused ? (
                  <button onClick={() => run('resume', q.name)}>Resume</button>
                ) : (
                  <button onClick={() => run('pause', q.name)}>Pause</button>
                )}
                <button onClick={() => confirm(`Remove every waiting job of "${q.name}"?`) && run('drain', q.name, {})}>Drain</button>
                <button
                  onClick={() =>
                    confirm(`Remove the completed jobs of "${q.name}"?`) && run('clean', q.name, { status: 'completed', grace: 0 })
                  }
                >
                  Clean completed
                </button>
                <button
                  onClick={() => confirm(`Remove the failed jobs of "${q.name}"?`) && run('clean', q.name, { status: 'failed', grace: 0 })}
                >
                  Clean failed
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
