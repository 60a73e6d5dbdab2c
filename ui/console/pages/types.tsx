import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { ErrorNote, go, Notice, useLoad } from '../components.js';
import { PayloadEditor, schemaProblems, type JsonSchema } from '../json-form.js';

interface JobType {
  name: string;
  queue: string;
  kind: string;
  attempts?: number;
  timeout?: number;
  schema?: JsonSchema;
}
interface Definition {
  id: string;
  name: string;
  handler: string;
  cron: string | null;
  timeZone: string | null;
  enabled: boolean;
  tags: string[] | null;
}

/** Run one job of a type now, with a payload from the form its schema gives. */
function RunNow({ type, onDone }: { type: JobType; onDone: (message: string) => void }) {
  const [data, setData] = useState<Record<string, unknown>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const problems = schemaProblems(type.schema, data);
    setErrors(problems);
    if (Object.keys(problems).length) return;
    try {
      const handle = await api<{ id: string }>('POST', '/runs', { name: type.name, data });
      onDone(`Enqueued ${type.name} as job ${handle.id}.`);
    } catch (err) {
      if (err instanceof ApiError)
        setErrors(Object.fromEntries(err.fields.map((f) => [f.field.startsWith('data') ? f.field : 'data', f.messages.join('; ')])));
      setError(err);
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-label={`Run ${type.name}`}>
      <h3>Run {type.name} now</h3>
      <PayloadEditor id={`run-${type.name}`} schema={type.schema} value={data} onChange={setData} errors={errors} />
      <ErrorNote error={error} />
      <button type="submit">Enqueue</button>
    </form>
  );
}

export function TypesPage() {
  const types = useLoad(() => api<JobType[]>('GET', '/types'), []);
  const defs = useLoad(() => api<Definition[]>('GET', '/definitions'), []);
  const [running, setRunning] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [filter, setFilter] = useState({ name: '', tag: '', enabled: '' });
  const act = async (what: () => Promise<unknown>, message: string) => {
    try {
      await what();
      setNotice(message);
      defs.reload();
    } catch (err) {
      setNotice((err as Error).message);
    }
  };
  const shown = (defs.data ?? []).filter(
    (d) =>
      (!filter.name || d.name.toLowerCase().includes(filter.name.toLowerCase())) &&
      (!filter.tag || (d.tags ?? []).includes(filter.tag)) &&
      (filter.enabled === '' || String(d.enabled) === filter.enabled),
  );
  return (
    <section>
      <h2>Job types</h2>
      <Notice text={notice} />
      <ErrorNote error={types.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Queue</th>
            <th scope="col">Attempts</th>
            <th scope="col">Timeout</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {(types.data ?? []).map((t) => (
            <tr key={t.name}>
              <td>{t.name}</td>
              <td>{t.kind}</td>
              <td>{t.queue}</td>
              <td>{t.attempts ?? '–'}</td>
              <td>{t.timeout ? `${t.timeout} ms` : '–'}</td>
              <td>
                {t.kind === 'processor' && <button onClick={() => setRunning(running === t.name ? undefined : t.name)}>Run now…</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {running && types.data && (
        <RunNow type={types.data.find((t) => t.name === running)!} onDone={(m) => (setNotice(m), setRunning(undefined))} />
      )}

      <h2>Definitions</h2>
      <div class="toolbar">
        <label>
          Name <input value={filter.name} onInput={(e) => setFilter({ ...filter, name: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          Tag <input value={filter.tag} onInput={(e) => setFilter({ ...filter, tag: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          Enabled{' '}
          <select value={filter.enabled} onChange={(e) => setFilter({ ...filter, enabled: (e.target as HTMLSelectElement).value })}>
            <option value="">all</option>
            <option value="true">enabled</option>
            <option value="false">disabled</option>
          </select>
        </label>
        <a class="button" href="#/definitions/new">
          New definition
        </a>
      </div>
      <ErrorNote error={defs.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Handler</th>
            <th scope="col">Schedule</th>
            <th scope="col">Tags</th>
            <th scope="col">Enabled</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((d) => (
            <tr key={d.id}>
              <td>
                <a href={`#/definitions/${d.id}`}>{d.name}</a>
              </td>
              <td>{d.handler}</td>
              <td>{d.cron ? `${d.cron}${d.timeZone ? ` (${d.timeZone})` : ''}` : 'run on demand'}</td>
              <td>{(d.tags ?? []).join(', ')}</td>
              <td>{d.enabled ? 'yes' : 'no'}</td>
              <td class="actions">
                <button
                  onClick={() =>
                    act(
                      () => api('POST', `/definitions/${d.id}/${d.enabled ? 'disable' : 'enable'}`),
                      `${d.name} ${d.enabled ? 'disabled' : 'enabled'}.`,
                    )
                  }
                >
                  {d.enabled ? 'Disable' : 'Enable'}
                </button>
                <button onClick={() => act(() => api('POST', `/definitions/${d.id}/execute`), `${d.name} enqueued.`)}>Run now</button>
                <button onClick={() => go(`/executions?definitionId=${d.id}`)}>Executions</button>
                <button
                  class="danger"
                  onClick={() =>
                    confirm(`Delete the definition "${d.name}" and its schedule?`) &&
                    act(() => api('DELETE', `/definitions/${d.id}`), `${d.name} deleted.`)
                  }
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {defs.data && !shown.length && <p>No definition matches.</p>}
    </section>
  );
}
