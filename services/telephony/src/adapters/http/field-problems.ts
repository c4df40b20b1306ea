// Schema errors as problem fields; inside a union on `kind`, only the errors of the variant the body names.
import type { FieldProblem } from '@switchboard/service-kit';

interface SchemaError {
  readonly instancePath?: string;
  readonly schemaPath?: string;
  readonly keyword?: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

const segments = (pointer: string) => pointer.split('/').filter(Boolean).map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));

function at(root: unknown, pointer: string): unknown {
  let value = root;
  for (const key of segments(pointer)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const kindOf = (variant: unknown): unknown => (at(variant, '/properties/kind') as { const?: unknown } | undefined)?.const;

function field(where: string, error: SchemaError): FieldProblem {
  const property = error.params?.['missingProperty'] ?? error.params?.['additionalProperty'];
  const allowed = error.params?.['allowedValues'];
  const message = error.message ?? 'is not valid';
  return {
    path: `${where}${error.instancePath ?? ''}${typeof property === 'string' ? `/${property}` : ''}`,
    message: Array.isArray(allowed) ? `${message} (${allowed.map(String).join(', ')})` : message,
  };
}

/**
 * A union's validator reports every variant's first error; a person wants those of the variant their
 * `kind` chose, or to hear which kinds exist.
 */
export function fieldProblems(where: string, errors: readonly SchemaError[], data: unknown, schema: unknown): FieldProblem[] {
  const union = errors.find((e) => e.keyword === 'anyOf');
  if (union === undefined) return errors.map((e) => field(where, e));
  const unionPath = (union.schemaPath ?? '').replace(/^#/, '');
  const variants = at(schema, unionPath);
  if (!Array.isArray(variants) || !variants.every((v) => typeof kindOf(v) === 'string')) return errors.map((e) => field(where, e));
  const kind = (at(data, union.instancePath ?? '') as { kind?: unknown } | undefined)?.kind;
  const chosen = variants.findIndex((v) => kindOf(v) === kind);
  if (chosen < 0) {
    const kinds = variants.map(kindOf).join(', ');
    return [{ path: `${where}${union.instancePath ?? ''}/kind`, message: `must be one of ${kinds}${kind === undefined ? '' : `, not ${JSON.stringify(kind)}`}` }];
  }
  const prefix = `${union.schemaPath}/${chosen}/`;
  return errors.filter((e) => e.schemaPath?.startsWith(prefix)).map((e) => field(where, e));
}
