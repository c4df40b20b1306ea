// `{{name}}` placeholders in spoken text and self-service URLs, filled from collected input and a JSON answer.

const placeholder = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/** The names a template uses, e.g. ["waybill", "answer.status"]. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(placeholder)].map((m) => m[1] ?? '');
}

/** Fills each placeholder with `valueOf(name)`; an unknown name becomes empty text rather than "undefined". */
export function fill(template: string, valueOf: (name: string) => string | undefined, encode: (value: string) => string = (v) => v): string {
  return template.replace(placeholder, (_m, name: string) => encode(valueOf(name) ?? ''));
}

/** A value at a dotted path of a JSON answer, as text to speak; objects and arrays are not speakable. */
export function answerValue(answer: unknown, path: string): string | undefined {
  let value: unknown = answer;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/** The value of a placeholder: `answer.x.y` from the answer, anything else from the collected variables. */
export function resolver(variables: Readonly<Record<string, string>>, answer?: unknown): (name: string) => string | undefined {
  return (name) => (name.startsWith('answer.') ? answerValue(answer, name.slice('answer.'.length)) : variables[name]);
}
