/** What the server put into the page: see lib/console/console.options.ts (ConsoleConfig). */
export interface ConsoleConfig {
  title: string;
  route: string;
  adminPath: string;
  boardRoute: string | null;
}

export const config: ConsoleConfig = JSON.parse(document.getElementById('console-config')?.textContent ?? '{}');

/** The host's global prefix: whatever comes before the console's route in this page's path. */
const prefix = (() => {
  const path = location.pathname.replace(/\/+$/, '');
  const at = path.lastIndexOf(`/${config.route}`);
  return at > 0 ? path.slice(0, at) : '';
})();

export const apiBase = `${prefix}/${config.adminPath}`;
export const boardUrl = config.boardRoute ? `${prefix}${config.boardRoute}` : null;

const TOKEN_KEY = 'nestjs-jobs-console-token';
export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** A field the server named in a 400, with its messages. */
export interface FieldError {
  field: string;
  messages: string[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
  /** The server's messages about one field (`data.x` counts for `data`). */
  about(field: string): string | undefined {
    const found = this.fields.filter((f) => f.field === field || f.field.startsWith(`${field}.`));
    return found.length ? found.flatMap((f) => f.messages).join('; ') : undefined;
  }
}

/** Told when the API refuses the credentials (401/403), so the sign-in screen shows. */
let onDenied: () => void = () => undefined;
export const whenDenied = (fn: () => void) => (onDenied = fn);

function headers(json: boolean): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/json' };
  if (json) h['content-type'] = 'application/json';
  const t = token.get();
  if (t) h.authorization = `Bearer ${t}`;
  return h;
}

/** One admin API call: the same guards as any client's, with the session's cookies and the token, if one was given. */
export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${apiBase}${path}`, {
    method,
    headers: headers(body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (res.status === 401 || res.status === 403) {
    onDenied();
    throw new ApiError(res.status, 'Not signed in, or not allowed.');
  }
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiError(res.status, parsed?.message ?? `${res.status} ${res.statusText}`, parsed?.fields ?? []);
  return parsed as T;
}

export const query = (params: Record<string, string | number | undefined>) => {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== '') as Array<[string, string]>;
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)]))}` : '';
};

/**
 * The cluster-wide lifecycle stream (`GET <admin>/events`, Server-Sent Events), read with fetch so that the token is
 * sent as it is on every other call (EventSource sends no headers). Calls `onEvent` per event; `onState` with whether
 * the stream is open. Returns a stop function; reconnects after 5 s when the stream ends.
 */
export function lifecycleStream(onEvent: (event: any) => void, onState: (live: boolean) => void): () => void {
  let stopped = false;
  let controller: AbortController | undefined;
  const open = async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const res = await fetch(`${apiBase}/events`, {
          headers: { ...headers(false), accept: 'text/event-stream' },
          signal: controller.signal,
        });
        if (!res.ok || !res.body) throw new Error(String(res.status));
        onState(true);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block
              .split('\n')
              .filter((l) => l.startsWith('data:'))
              .map((l) => l.slice(5).trimStart())
              .join('\n');
            if (data) onEvent(JSON.parse(data));
          }
        }
      } catch {
        // Closed, refused or cut: the pages refresh every 5 s meanwhile.
      }
      onState(false);
      if (!stopped) await new Promise((r) => setTimeout(r, 5_000));
    }
  };
  void open();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
