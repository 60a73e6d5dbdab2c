import { useState } from 'preact/hooks';
import { Field } from './components.js';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  items?: JsonSchema;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  description?: string;
}

const typeOf = (s: JsonSchema) => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type);

/** The problems of `value` against `schema` by field (`data.<name>`), as far as the page can tell; the server checks the rest. */
export function schemaProblems(schema: JsonSchema | undefined, value: unknown): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!schema) return problems;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { data: 'must be a JSON object' };
  const record = value as Record<string, unknown>;
  for (const key of schema.required ?? [])
    if (record[key] === undefined || record[key] === '') problems[`data.${key}`] = `${key} is required`;
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const v = record[key];
    if (v === undefined || problems[`data.${key}`]) continue;
    const t = typeOf(prop);
    const wrong =
      (t === 'string' && typeof v !== 'string') ||
      ((t === 'number' || t === 'integer') && typeof v !== 'number') ||
      (t === 'integer' && !Number.isInteger(v)) ||
      (t === 'boolean' && typeof v !== 'boolean') ||
      (t === 'array' && !Array.isArray(v)) ||
      (t === 'object' && (typeof v !== 'object' || v === null || Array.isArray(v)));
    if (wrong) problems[`data.${key}`] = `${key} must be ${t === 'integer' ? 'a whole number' : `a ${t}`}`;
    else if (prop.enum && !prop.enum.includes(v)) problems[`data.${key}`] = `${key} must be one of ${prop.enum.join(', ')}`;
    else if (typeof v === 'number' && prop.minimum !== undefined && v < prop.minimum)
      problems[`data.${key}`] = `${key} must be at least ${prop.minimum}`;
    else if (typeof v === 'number' && prop.maximum !== undefined && v > prop.maximum)
      problems[`data.${key}`] = `${key} must be at most ${prop.maximum}`;
    else if (typeof v === 'string' && prop.minLength !== undefined && v.length < prop.minLength)
      problems[`data.${key}`] = `${key} must have at least ${prop.minLength} characters`;
  }
  return problems;
}

/**
 * A payload as a form generated from its JSON Schema (one input per property: text, number, checkbox, choice; nested
 * values as JSON), or as a JSON text with the same checks. `errors` are by field (`data.<name>`), the page's or the server's.
 */
export function PayloadEditor({
  id,
  schema,
  value,
  onChange,
  errors,
}: {
  id: string;
  schema?: JsonSchema;
  value: Record<string, unknown>;
  onChange: (value: Record<string, unknown>, text?: string) => void;
  errors: Record<string, string>;
}) {
  const [raw, setRaw] = useState(!schema?.properties);
  const [text, setText] = useState(JSON.stringify(value, null, 2));
  const [parseError, setParseError] = useState<string>();
  const props = Object.entries(schema?.properties ?? {});
  const set = (key: string, v: unknown) => {
    const next = { ...value };
    if (v === undefined) delete next[key];
    else next[key] = v;
    setText(JSON.stringify(next, null, 2));
    onChange(next);
  };
  return (
    <fieldset class="payload">
      <legend>Payload</legend>
      {props.length > 0 && (
        <label class="inline">
          <input type="checkbox" checked={raw} onChange={(e) => setRaw((e.target as HTMLInputElement).checked)} /> Edit as JSON
        </label>
      )}
      {raw ? (
        <Field label="JSON" id={`${id}-json`} error={parseError ?? errors.data ?? Object.values(errors)[0]}>
          <textarea
            id={`${id}-json`}
            rows={8}
            spellcheck={false}
            value={text}
            onInput={(e) => {
              const t = (e.target as HTMLTextAreaElement).value;
              setText(t);
              try {
                const parsed = t.trim() ? JSON.parse(t) : {};
                setParseError(undefined);
                onChange(parsed, t);
              } catch (err) {
                setParseError(`not JSON: ${(err as Error).message}`);
                onChange(value, t);
              }
            }}
          />
        </Field>
      ) : (
        props.map(([key, prop]) => {
          const fid = `${id}-${key}`;
          const t = typeOf(prop);
          const label = `${key}${schema?.required?.includes(key) ? ' *' : ''}`;
          const current = value[key];
          let input;
          if (prop.enum)
            input = (
              <select
                id={fid}
                value={typeof current === 'string' ? current : current === undefined ? '' : JSON.stringify(current)}
                onChange={(e) => set(key, (e.target as HTMLSelectElement).value || undefined)}
              >
                <option value="">–</option>
                {prop.enum.map((o) => (
                  <option value={String(o)}>{String(o)}</option>
                ))}
              </select>
            );
          else if (t === 'boolean')
            input = (
              <input
                id={fid}
                type="checkbox"
                checked={current === true}
                onChange={(e) => set(key, (e.target as HTMLInputElement).checked)}
              />
            );
          else if (t === 'number' || t === 'integer')
            input = (
              <input
                id={fid}
                type="number"
                step={t === 'integer' ? 1 : 'any'}
                value={typeof current === 'number' ? String(current) : ''}
                onInput={(e) => {
                  const v = (e.target as HTMLInputElement).value;
                  set(key, v === '' ? undefined : Number(v));
                }}
              />
            );
          else if (t === 'string' || t === undefined)
            input = (
              <input
                id={fid}
                type="text"
                value={typeof current === 'string' ? current : ''}
                onInput={(e) => set(key, (e.target as HTMLInputElement).value || undefined)}
              />
            );
          else
            input = (
              <textarea
                id={fid}
                rows={3}
                value={current === undefined ? '' : JSON.stringify(current)}
                onInput={(e) => {
                  try {
                    const v = (e.target as HTMLTextAreaElement).value;
                    set(key, v.trim() ? JSON.parse(v) : undefined);
                  } catch {
                    /* kept as typed until it is JSON */
                  }
                }}
              />
            );
          return (
            <Field label={label} id={fid} error={errors[`data.${key}`]} hint={prop.description}>
              {input}
            </Field>
          );
        })
      )}
    </fieldset>
  );
}
