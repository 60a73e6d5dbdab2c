import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { ApiError } from './api.js';

export const fmtDate = (v: string | null | undefined) => (v ? new Date(v).toLocaleString() : '–');
export const fmtMs = (v: number | null | undefined) => (v == null ? '–' : v < 1000 ? `${v} ms` : `${(v / 1000).toFixed(1)} s`);

/** Where the app is: `#/path?a=b`. */
export function useRoute(): { path: string; params: URLSearchParams } {
  const read = () => {
    const [path, search = ''] = location.hash.slice(1).split('?');
    return { path: path || '/executions', params: new URLSearchParams(search) };
  };
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export const go = (path: string) => (location.hash = path);

/** Runs `load` now, on every change of `deps`, and returns its data, error and a reload. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data?: T; error?: Error; reload: () => void; loading: boolean } {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: Error) => live && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => void (live = false);
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function ErrorNote({ error }: { error?: unknown }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {error instanceof ApiError || error instanceof Error ? error.message : JSON.stringify(error)}
    </p>
  );
}

/** A labelled form field with the server's (or the page's) message under it. */
export function Field({
  label,
  id,
  error,
  hint,
  children,
}: {
  label: string;
  id: string;
  error?: string;
  hint?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && <small>{hint}</small>}
      {error && (
        <small class="field-error" id={`${id}-error`} role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge s-${status}`}>{status}</span>;
}

/** A JSON value as a tree of collapsible objects and arrays. */
export function JsonTree({ value, name, open = true }: { value: unknown; name?: string; open?: boolean }) {
  if (value === null || typeof value !== 'object')
    return (
      <div class="json-leaf">
        {name !== undefined && <span class="json-key">{name}: </span>}
        <span class={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value)}</span>
      </div>
    );
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return (
    <details class="json-node" open={open}>
      <summary>
        {name !== undefined && <span class="json-key">{name}: </span>}
        {Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`}
      </summary>
      {entries.map(([k, v]) => (
        <JsonTree key={k} name={k} value={v} open={false} />
      ))}
    </details>
  );
}

/** A line chart (uPlot) of one or more series over time. */
export function Chart({
  title,
  times,
  series,
}: {
  title: string;
  times: number[];
  series: Array<{ label: string; values: Array<number | null>; stroke: string }>;
}) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const plot = new uPlot(
      {
        title,
        width: Math.min(900, el.current.clientWidth || 600),
        height: 220,
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.stroke, width: 2 }))],
        axes: [{}, {}],
      },
      [times, ...series.map((s) => s.values)] as uPlot.AlignedData,
      el.current,
    );
    return () => plot.destroy();
  }, [title, JSON.stringify(times), JSON.stringify(series)]);
  return <div class="chart" ref={el} role="img" aria-label={title} />;
}

/** What an action did, or why it did not, read out to screen readers. */
export function Notice({ text }: { text?: string }) {
  if (!text) return null;
  return (
    <p class="notice" role="status">
      {text}
    </p>
  );
}

/** Cursor pages: the cursors of the pages before this one; `pager` moves back and forth. */
export function useCursors() {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    cursor: cursors[cursors.length - 1],
    reset: () => setCursors([]),
    pager: (next?: string) => (
      <div class="pager">
        <button disabled={!cursors.length} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer
        </button>
        <button disabled={!next} onClick={() => next && setCursors([...cursors, next])}>
          Older
        </button>
      </div>
    ),
  };
}
