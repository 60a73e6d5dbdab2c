import { useCallback, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorNote, fmtDate, fmtMs, JsonTree, Notice, StatusBadge, useLoad } from '../components.js';
import { useLiveRefresh } from '../live.js';
import { act, RETRYABLE, type Execution } from './executions.js';

/** Every field of one attempt: error with stack, result and payload as trees, logs, progress; live while it runs. */
export function ExecutionDetail({ id }: { id: string }) {
  const e = useLoad(() => api<Execution>('GET', `/executions/${id}`), [id]);
  const [notice, setNotice] = useState<string>();
  const jobId = e.data?.jobId;
  const matches = useCallback((event: any) => event.jobId === jobId, [jobId]);
  useLiveRefresh(e.reload, matches);
  const x = e.data;
  if (!x) return <ErrorNote error={e.error} />;
  const progress = typeof x.progress === 'number' ? x.progress : null;
  return (
    <section>
      <h2>
        Execution {x.id} <StatusBadge status={x.status} />
      </h2>
      <Notice text={notice} />
      <div class="actions">
        {RETRYABLE.has(x.status) && (
          <button onClick={() => act(x, 'retry').then(setNotice, (err: Error) => setNotice(err.message))}>Retry</button>
        )}
        {x.status === 'running' && (
          <button onClick={() => act(x, 'cancel').then(setNotice, (err: Error) => setNotice(err.message))}>Cancel</button>
        )}
      </div>
      {progress !== null && (
        <p>
          <label for="progress">Progress</label> <progress id="progress" max={100} value={progress} /> {progress}%
        </p>
      )}
      <dl class="fields">
        {(
          [
            ['Job', x.name],
            ['Job id', x.jobId],
            ['Queue', x.queue],
            ['Attempt', `${x.attempt} of ${x.maxAttempts}`],
            ['Enqueued', fmtDate(x.enqueuedAt)],
            ['Started', fmtDate(x.startedAt)],
            ['Finished', fmtDate(x.finishedAt)],
            ['Duration', fmtMs(x.durationMs)],
            ['Worker', x.workerHost ? `${x.workerHost} (pid ${x.workerPid})` : '–'],
            ['Schedule', x.schedule ?? '–'],
            ['Definition', x.definitionId ?? '–'],
          ] as Array<[string, string]>
        ).map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </>
        ))}
      </dl>
      {x.errorMessage && (
        <>
          <h3>Error</h3>
          <p class="error">{x.errorMessage}</p>
          {x.errorStack && <pre class="stack">{x.errorStack}</pre>}
        </>
      )}
      <h3>Result</h3>
      <JsonTree value={x.result ?? null} />
      <h3>Payload</h3>
      <JsonTree value={x.data ?? null} />
      {progress === null && x.progress !== null && (
        <>
          <h3>Progress</h3>
          <JsonTree value={x.progress} />
        </>
      )}
      <h3>Logs</h3>
      {x.logs?.length ? (
        <ol class="logs">
          {x.logs.map((line) => (
            <li>{line}</li>
          ))}
        </ol>
      ) : (
        <p>No log lines.</p>
      )}
    </section>
  );
}
