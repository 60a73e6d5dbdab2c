import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, query } from '../api.js';
import { ErrorNote, Field, fmtDate, go, useLoad } from '../components.js';
import { PayloadEditor, schemaProblems, type JsonSchema } from '../json-form.js';

const PRESETS: Array<[label: string, cron: string]> = [
  ['Every minute', '* * * * *'],
  ['Every 5 minutes', '*/5 * * * *'],
  ['Every hour', '0 * * * *'],
  ['Every day at 02:00', '0 2 * * *'],
  ['Weekdays at 09:00', '0 9 * * 1-5'],
  ['Every Monday at 00:00', '0 0 * * 1'],
  ['First of the month at 00:00', '0 0 1 * *'],
];

const zones = (() => {
  try {
    const all = (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
    return all.includes('UTC') ? all : ['UTC', ...all];
  } catch {
    return ['UTC'];
  }
})();

interface Form {
  name: string;
  handler: string;
  scheduled: boolean;
  cron: string;
  timeZone: string;
  enabled: boolean;
  attempts: string;
  timeout: string;
  tags: string;
  memo: string;
  data: Record<string, unknown>;
}

const EMPTY: Form = {
  name: '',
  handler: '',
  scheduled: true,
  cron: '0 2 * * *',
  timeZone: 'UTC',
  enabled: true,
  attempts: '',
  timeout: '',
  tags: '',
  memo: '',
  data: {},
};

/** Create (`id` undefined) or edit a definition: handler, cron with presets and the next runs, retries, timeout, payload. */
export function DefinitionForm({ id }: { id?: string }) {
  const types = useLoad(() => api<Array<{ name: string; kind: string; schema?: JsonSchema }>>('GET', '/types'), []);
  const existing = useLoad(() => (id ? api('GET', `/definitions/${id}`) : Promise.resolve(undefined)), [id]);
  const [form, setForm] = useState<Form>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [runs, setRuns] = useState<string[]>([]);
  const [cronError, setCronError] = useState<{ field: string; message: string }>();

  useEffect(() => {
    const d = existing.data;
    if (!d) return;
    setForm({
      name: d.name,
      handler: d.handler,
      scheduled: !!d.cron,
      cron: d.cron ?? '0 2 * * *',
      timeZone: d.timeZone ?? 'UTC',
      enabled: d.enabled,
      attempts: d.attempts ? String(d.attempts) : '',
      timeout: d.timeout ? String(d.timeout) : '',
      tags: (d.tags ?? []).join(', '),
      memo: d.memo ?? '',
      data: d.data ?? {},
    });
  }, [existing.data]);

  // The next five runs, from the server (the same parser the queue uses), once typing pauses.
  useEffect(() => {
    if (!form.scheduled || !form.cron.trim()) return setRuns([]);
    const timer = setTimeout(() => {
      api<{ runs: string[] }>(
        'GET',
        `/schedules/preview${query({ cron: form.cron, timeZone: form.timeZone || undefined, count: 5 })}`,
      ).then(
        (r) => (setRuns(r.runs), setCronError(undefined)),
        (err: unknown) => {
          setRuns([]);
          if (err instanceof ApiError) setCronError({ field: err.fields[0]?.field ?? 'cron', message: err.message });
        },
      );
    }, 300);
    return () => clearTimeout(timer);
  }, [form.cron, form.timeZone, form.scheduled]);

  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    // A field's message stays until the field changes (the payload's until the payload does).
    setErrors((e) =>
      Object.fromEntries(Object.entries(e).filter(([field]) => field !== key && !(key === 'data' && field.startsWith('data')))),
    );
  };
  const schema = types.data?.find((t) => t.name === form.handler)?.schema;
  const inputValue = (e: Event) => (e.target as HTMLInputElement).value;

  const submit = async (e: Event) => {
    e.preventDefault();
    const problems: Record<string, string> = { ...schemaProblems(schema, form.data) };
    if (!form.name.trim()) problems.name = 'A name is required.';
    if (!form.handler) problems.handler = 'Pick the handler that runs it.';
    setErrors(problems);
    if (Object.keys(problems).length) return;
    const body = {
      name: form.name.trim(),
      handler: form.handler,
      cron: form.scheduled ? form.cron.trim() : null,
      timeZone: form.scheduled && form.timeZone ? form.timeZone : null,
      enabled: form.enabled,
      attempts: form.attempts ? Number(form.attempts) : null,
      timeout: form.timeout ? Number(form.timeout) : null,
      tags: form.tags.trim()
        ? form.tags
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean)
        : null,
      memo: form.memo || null,
      data: form.data,
    };
    try {
      await api(id ? 'PATCH' : 'POST', id ? `/definitions/${id}` : '/definitions', body);
      go('/types');
    } catch (err) {
      // Each message at the field the server names; what names no field shows above the buttons.
      if (err instanceof ApiError && err.fields.length) {
        setErrors(Object.fromEntries(err.fields.map((f) => [f.field, f.messages.join('; ')])));
        setError(undefined);
      } else setError(err);
    }
  };

  const at = (field: string) => errors[field] ?? (cronError?.field === field ? cronError.message : undefined);
  return (
    <section>
      <h2>{id ? 'Edit definition' : 'New definition'}</h2>
      <ErrorNote error={types.error ?? existing.error} />
      <form class="card" onSubmit={submit} noValidate>
        <Field label="Name" id="def-name" error={at('name')}>
          <input id="def-name" value={form.name} onInput={(e) => set('name', inputValue(e))} />
        </Field>
        <Field label="Handler" id="def-handler" error={at('handler')}>
          <select id="def-handler" value={form.handler} onChange={(e) => set('handler', (e.target as HTMLSelectElement).value)}>
            <option value="">Pick a job type…</option>
            {(types.data ?? [])
              .filter((t) => t.kind === 'processor')
              .map((t) => (
                <option value={t.name}>{t.name}</option>
              ))}
          </select>
        </Field>
        <label class="inline">
          <input type="checkbox" checked={form.scheduled} onChange={(e) => set('scheduled', (e.target as HTMLInputElement).checked)} /> On a
          schedule
        </label>
        {form.scheduled && (
          <div class="cron">
            <Field label="Preset" id="def-preset">
              <select
                id="def-preset"
                value={PRESETS.find(([, c]) => c === form.cron)?.[1] ?? ''}
                onChange={(e) => (e.target as HTMLSelectElement).value && set('cron', (e.target as HTMLSelectElement).value)}
              >
                <option value="">Custom expression</option>
                {PRESETS.map(([label, cron]) => (
                  <option value={cron}>{label}</option>
                ))}
              </select>
            </Field>
            <Field
              label="Cron expression"
              id="def-cron"
              error={at('cron')}
              hint="minute hour day-of-month month day-of-week (a sixth field first for seconds)"
            >
              <input id="def-cron" value={form.cron} spellcheck={false} onInput={(e) => set('cron', inputValue(e))} />
            </Field>
            <Field label="Time zone" id="def-tz" error={at('timeZone')}>
              <select id="def-tz" value={form.timeZone} onChange={(e) => set('timeZone', (e.target as HTMLSelectElement).value)}>
                {(zones.includes(form.timeZone) ? zones : [form.timeZone, ...zones]).map((z) => (
                  <option value={z}>{z}</option>
                ))}
              </select>
            </Field>
            <div class="next-runs" aria-live="polite">
              <strong>Next runs</strong>
              {runs.length ? (
                <ol>
                  {runs.map((r) => (
                    <li>{fmtDate(r)}</li>
                  ))}
                </ol>
              ) : (
                <p>–</p>
              )}
            </div>
          </div>
        )}
        <div class="row">
          <Field label="Retries (attempts)" id="def-attempts" error={at('attempts')}>
            <input
              id="def-attempts"
              type="number"
              min={1}
              value={form.attempts}
              placeholder="the type's"
              onInput={(e) => set('attempts', inputValue(e))}
            />
          </Field>
          <Field label="Timeout (ms)" id="def-timeout" error={at('timeout')}>
            <input
              id="def-timeout"
              type="number"
              min={1}
              value={form.timeout}
              placeholder="the type's"
              onInput={(e) => set('timeout', inputValue(e))}
            />
          </Field>
          <Field label="Tags (comma separated)" id="def-tags" error={at('tags')}>
            <input id="def-tags" value={form.tags} onInput={(e) => set('tags', inputValue(e))} />
          </Field>
        </div>
        <label class="inline">
          <input type="checkbox" checked={form.enabled} onChange={(e) => set('enabled', (e.target as HTMLInputElement).checked)} /> Enabled
        </label>
        {form.handler && (
          <PayloadEditor
            key={form.handler}
            id="def-data"
            schema={schema}
            value={form.data}
            onChange={(d) => set('data', d)}
            errors={errors}
          />
        )}
        <Field label="Memo" id="def-memo" error={at('memo')}>
          <textarea id="def-memo" rows={2} value={form.memo} onInput={(e) => set('memo', (e.target as HTMLTextAreaElement).value)} />
        </Field>
        <ErrorNote error={error} />
        <div class="actions">
          <button type="submit">{id ? 'Save' : 'Create'}</button>
          <a class="button secondary" href="#/types">
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}
