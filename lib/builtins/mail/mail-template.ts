import type { MailTemplate } from './mail.options.js';

const PLACEHOLDER = /\{\{\s*([\w$-]+(?:\.[\w$-]+)*)\s*\}\}/g;
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The value at a dotted path, through own properties only, so a placeholder cannot reach `__proto__` or `constructor`. */
export function valueAt(variables: unknown, path: string): unknown {
  let value = variables;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Every placeholder path a template uses. */
export function placeholders(template: MailTemplate): string[] {
  const text = [template.subject, template.text ?? '', template.html ?? ''].join('\n');
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

/** Fills `{{path}}` placeholders; in HTML the values are escaped, so variables can never add markup. */
export function render(template: string, variables: unknown, html: boolean): string {
  return template.replace(PLACEHOLDER, (_, path: string) => {
    const value = valueAt(variables, path);
    const text = value == null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    return html ? text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]) : text;
  });
}
