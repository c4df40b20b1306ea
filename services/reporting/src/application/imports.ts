// Importing a switch's history: lines stream through a pure importer (domain/imports), their facts are
// written in batches and the calls they touch rebuilt, so an imported day reads like a live one.
import { insertAgentStateChanges, insertCallMilestones } from '../adapters/clickhouse/facts.ts';
import type { ClickHouseClient } from '../adapters/clickhouse/client.ts';
import type { AgentStateChange, CallMilestone } from '../domain/facts/call-milestones.ts';
import type { ImportFacts, ImportReport } from '../domain/imports/import-report.ts';
import { rebuildCallFacts } from './facts.ts';

/** QueueLogImport and FreeSwitchImport: one line in, its facts out. */
export interface LineImporter {
  push(text: string, line: number): ImportFacts;
  finish(): ImportFacts;
  report(): ImportReport;
}

export interface ImportProgress {
  readonly lines: number;
  readonly milestones: number;
}

/** Rows per write: large enough for ClickHouse, small enough that a file of any size streams. */
const BATCH_ROWS = 20_000;

/** Reads every line, writes the facts, rebuilds the calls; answers the importer's report. */
export async function importHistory(
  client: ClickHouseClient,
  lines: AsyncIterable<string>,
  importer: LineImporter,
  onBatch: (progress: ImportProgress) => void = () => {},
): Promise<ImportReport> {
  let milestones: CallMilestone[] = [];
  let states: AgentStateChange[] = [];
  let line = 0;
  let written = 0;
  const flush = async () => {
    if (milestones.length === 0 && states.length === 0) return;
    const [batch, batchStates] = [milestones, states];
    [milestones, states] = [[], []];
    await insertCallMilestones(client, batch);
    await insertAgentStateChanges(client, batchStates);
    // A call split across batches is rebuilt after each: the last build reads all its milestones.
    await rebuildCallFacts(client, new Set(batch.map((m) => m.call_id)));
    written += batch.length;
    onBatch({ lines: line, milestones: written });
  };
  for await (const text of lines) {
    line++;
    const facts = importer.push(text, line);
    for (const m of facts.milestones) milestones.push(m);
    for (const s of facts.agentStates) states.push(s);
    if (milestones.length + states.length >= BATCH_ROWS) await flush();
  }
  const last = importer.finish();
  milestones.push(...last.milestones);
  states.push(...last.agentStates);
  await flush();
  return importer.report();
}
