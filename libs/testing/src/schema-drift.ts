// Compares a Prisma schema with the tables the SQL migrations built, so the two can never silently diverge.
// Prisma's migrate engine can't be downloaded here, but its schema parser ships as WebAssembly on npm.
import { readFile } from 'node:fs/promises';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import pg from 'pg';

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: string;
  type: string;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  hasDefaultValue: boolean;
  nativeType?: [string, string[]] | null;
  relationName?: string | null;
}
interface DmmfModel {
  name: string;
  dbName?: string | null;
  fields: DmmfField[];
  primaryKey?: { fields: string[] } | null;
  uniqueFields: string[][];
}

const scalarTypes: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  DateTime: 'timestamp without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
  Float: 'double precision',
  Decimal: 'numeric',
};
const nativeTypes: Record<string, string> = {
  Uuid: 'uuid',
  Timestamptz: 'timestamp with time zone',
  Timestamp: 'timestamp without time zone',
  VarChar: 'character varying',
  Text: 'text',
  SmallInt: 'smallint',
  Date: 'date',
};

/** Returns every difference found, as lines a person can act on; empty when schema and database agree. */
export async function schemaDrift(schemaPath: string, databaseUrl: string): Promise<string[]> {
  const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: await readFile(schemaPath, 'utf8') }))) as {
    datamodel: { models: DmmfModel[] };
  };
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const problems: string[] = [];
  try {
    for (const model of dmmf.datamodel.models) {
      const table = model.dbName ?? model.name;
      const { rows: columns } = await client.query<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
        `select column_name, data_type, is_nullable, column_default from information_schema.columns
         where table_schema = 'public' and table_name = $1`,
        [table],
      );
      if (columns.length === 0) {
        problems.push(`model ${model.name}: table ${table} does not exist in the migrated database`);
        continue;
      }
      const byName = new Map(columns.map((c) => [c.column_name, c]));
      const scalars = model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
      const columnOf = (fieldName: string) => {
        const field = model.fields.find((f) => f.name === fieldName);
        return field?.dbName ?? fieldName;
      };
      for (const field of scalars) {
        const column = field.dbName ?? field.name;
        const actual = byName.get(column);
        const where = `${model.name}.${field.name} (${table}.${column})`;
        if (!actual) {
          problems.push(`${where}: column missing in the migrated database`);
          continue;
        }
        const expected = field.isList
          ? 'ARRAY'
          : field.kind === 'enum'
            ? 'USER-DEFINED'
            : field.nativeType
              ? (nativeTypes[field.nativeType[0]] ?? field.nativeType[0].toLowerCase())
              : scalarTypes[field.type];
        if (expected !== actual.data_type) problems.push(`${where}: schema says ${expected}, database has ${actual.data_type}`);
        if (field.isRequired !== (actual.is_nullable === 'NO')) {
          problems.push(`${where}: schema says ${field.isRequired ? 'required' : 'optional'}, database column is ${actual.is_nullable === 'NO' ? 'not null' : 'nullable'}`);
        }
        if (field.hasDefaultValue !== (actual.column_default !== null)) {
          problems.push(`${where}: schema ${field.hasDefaultValue ? 'has' : 'has no'} default, database ${actual.column_default ?? 'has none'}`);
        }
      }
      const known = new Set(scalars.map((f) => f.dbName ?? f.name));
      for (const c of columns) if (!known.has(c.column_name)) problems.push(`${table}.${c.column_name}: column in the database but not in model ${model.name}`);

      const { rows: indexes } = await client.query<{ columns: string[]; primary: boolean }>(
        `select array_agg(a.attname::text order by k.ord) as columns, i.indisprimary as primary
         from pg_index i join pg_class t on t.oid = i.indrelid join pg_namespace n on n.oid = t.relnamespace
         cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
         join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
         where n.nspname = 'public' and t.relname = $1 and i.indisunique
         group by i.indexrelid, i.indisprimary`,
        [table],
      );
      const key = (cols: string[]) => cols.join(',');
      const primary = model.primaryKey?.fields.map(columnOf) ?? model.fields.filter((f) => f.isId).map((f) => f.dbName ?? f.name);
      const dbPrimary = indexes.find((i) => i.primary)?.columns ?? [];
      if (key(primary) !== key(dbPrimary)) problems.push(`${table}: primary key is (${primary}) in the schema, (${dbPrimary}) in the database`);
      const uniques = new Set([
        ...model.fields.filter((f) => f.isUnique).map((f) => f.dbName ?? f.name),
        ...model.uniqueFields.map((u) => key(u.map(columnOf))),
      ]);
      const dbUniques = new Set(indexes.filter((i) => !i.primary).map((i) => key(i.columns)));
      for (const u of uniques) if (!dbUniques.has(u)) problems.push(`${table}: unique (${u}) in the schema is missing from the database`);
      for (const u of dbUniques) if (!uniques.has(u)) problems.push(`${table}: unique (${u}) in the database is not in the schema`);
    }
  } finally {
    await client.end();
  }
  return problems;
}
