// One @clickhouse/client for both modes: over HTTP to a ClickHouse server, or in-process through chDB.
import { createHash } from 'node:crypto';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { ReportingConfig } from '../../config.ts';

export type { ClickHouseClient };

/**
 * A client of its own: to a server, another one; in chDB, another session on the same data. Settings are
 * per statement on a server but per session in chDB (the chDB connection sends a query's `clickhouse_settings`
 * as SET statements, which stay for the rest of the session): whoever sets them (the analysts' `readonly`
 * and limits) gets a session of their own, and reporting's own statements carry theirs in their SQL.
 */
export async function connectClickHouse(config: Pick<ReportingConfig, 'CLICKHOUSE_URL' | 'CHDB_PATH'>): Promise<ClickHouseClient> {
  if (config.CLICKHOUSE_URL) return createClient({ url: config.CLICKHOUSE_URL });
  // Loaded only in the embedded mode: the distributed image never needs chDB's native library.
  const { createChdbConnection } = (await import('chdb/connection')) as { createChdbConnection: (o: { path: string }) => unknown };
  return createClient({ connection: createChdbConnection({ path: config.CHDB_PATH! }) } as Parameters<typeof createClient>[0]);
}

/**
 * Inserts rows (JSONEachRow). With `deduplicationKeys` (what makes the rows these rows: event ids, bus positions)
 * the same rows inserted again (a retried batch) are kept once: their token goes in the statement's own SQL
 * (`insert … settings … format`), never in `clickhouse_settings`, which chDB would keep for every later statement
 * of the session — a token left behind would make ClickHouse drop a later insert into the same table as a repeat.
 */
export async function insertRows(client: ClickHouseClient, table: string, rows: readonly object[], deduplicationKeys?: readonly string[]): Promise<void> {
  if (rows.length === 0) return;
  const settings = deduplicationKeys === undefined ? '' : `settings insert_deduplication_token = '${createHash('sha256').update(deduplicationKeys.join(',')).digest('hex')}' `;
  const lines = rows.map((row) => JSON.stringify(row)).join('\n');
  await client.command({ query: `insert into ${table} ${settings}format JSONEachRow\n${lines}` });
}

/** Makes a row object from a JSONCompact row, for one list of columns; see queryRows. */
type RowBuilder = (values: readonly unknown[]) => Record<string, unknown>;
const rowBuilders = new Map<string, RowBuilder>();

function rowBuilderFor(columns: readonly string[], labels: ReadonlySet<string>): RowBuilder {
  const key = `${columns.join('\u0000')}\u0001${[...labels].join('\u0000')}`;
  let build = rowBuilders.get(key);
  if (build === undefined) {
    // (In a literal, "__proto__" would set the prototype rather than a column: no report has such a column.)
    if (columns.includes('__proto__')) throw new Error('a column named __proto__ cannot be read into an object');
    // One object literal with every column in order: V8 gives all rows one shape, made ~20 times faster than by setting
    // the columns one by one (144,000 rows of 70 columns: 33–99 against 540–1,850 ms). Names are quoted as JSON strings.
    const fields = columns.map((name, i) => `${JSON.stringify(name)}: ${labels.has(name) ? `v[${i}]` : `typeof v[${i}] === 'string' ? Number(v[${i}]) : v[${i}]`}`);
    build = new Function('v', `return { ${fields.join(', ')} };`) as RowBuilder;
    if (rowBuilders.size >= 100) rowBuilders.clear();
    rowBuilders.set(key, build);
  }
  return build;
}

/**
 * Rows as objects (the reports', the milestones read back). Read as JSONCompact (names once, then each row as an array): JSONEachRow repeats every
 * column's name in every row, and a month of hourly rows per queue (144,000 rows × 70 columns) came to 170 MB of JSON
 * that chDB took longer to write than to compute, against 38 MB. Every column but `labels` is a number: ClickHouse
 * sends 64-bit integers as strings, which become numbers here (nulls stay null).
 */
export async function queryRows<Row = Record<string, unknown>>(
  client: ClickHouseClient,
  params: { query: string; query_params?: Record<string, unknown> },
  labels: ReadonlySet<string>,
): Promise<Row[]> {
  const result = await client.query({ ...params, format: 'JSONCompact' });
  const { meta = [], data } = await result.json<unknown[]>();
  const build = rowBuilderFor(meta.map((column) => column.name), labels);
  return data.map(build) as Row[];
}

/** ClickHouse's error types that blame the rows themselves (a value it cannot parse or store), by name. */
const ROW_ERROR = /^(CANNOT_PARSE_\w+|TYPE_MISMATCH|INCORRECT_DATA|CANNOT_CONVERT_TYPE|VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE|INCORRECT_NUMBER_OF_COLUMNS|CANNOT_READ_ALL_DATA|TOO_LARGE_STRING_SIZE|CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN|DECIMAL_OVERFLOW|ILLEGAL_TYPE_OF_ARGUMENT|ARGUMENT_OUT_OF_BOUND)$/;

/**
 * True when ClickHouse refused a write for what is in its rows: writing the same rows again fails again, so they
 * are set aside (dead-lettered, one by one). Anything else (no answer, a timeout, too many parts, readonly, a
 * missing table) is ClickHouse's state, not the rows': the rows wait until it takes them.
 */
export function isRowError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && ROW_ERROR.test(type)) return true;
  }
  return false;
}
