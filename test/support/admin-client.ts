/** What an admin route answered: its status and its JSON body (undefined when empty). */
export interface AdminAnswer {
  status: number;
  body: any;
}

/**
 * Calls the admin API under `base` (the app's URL with the admin path) as a browser or script would: `body` is sent as
 * JSON, or as it is when a string (to send malformed JSON), with `headers` added.
 */
export async function adminCall(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<AdminAnswer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
