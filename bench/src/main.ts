// Runs the benchmarks and prints their figures as a Markdown table for docs/benchmarks.md.
import { localLog } from './local-log.ts';
import { eventStore } from './event-store.ts';
import { projections } from './projections.ts';
import { kafka } from './kafka.ts';
import { routing } from './routing.ts';
import { acdSnapshots } from './acd-snapshots.ts';
import { ingestion } from './ingestion.ts';
import { flush } from './flush.ts';
import { reports } from './reports.ts';
import { system } from './system.ts';
import { httpClient } from './http-client.ts';
import { machine, type Figure } from './harness.ts';

const suites: Record<string, () => Promise<Figure[]>> = {
  'local-log': localLog,
  'event-store': eventStore,
  projections,
  kafka,
  routing,
  'acd-snapshots': acdSnapshots,
  ingestion,
  flush,
  system,
  reports,
  'http-client': httpClient,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(w in suites));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(suites).join(', ')}\n`);
  process.exit(2);
}
const figures: Figure[] = [];
for (const name of wanted.length > 0 ? wanted : Object.keys(suites)) {
  process.stderr.write(`running ${name} …\n`);
  figures.push(...(await suites[name]!()));
}
process.stdout.write(`\nmachine: ${machine()}; date: ${new Date().toISOString().slice(0, 10)}\n\n`);
process.stdout.write('| benchmark | figure | value | note |\n|---|---|---|---|\n');
for (const f of figures) process.stdout.write(`| ${f.benchmark} | ${f.figure} | ${f.value} | ${f.note ?? ''} |\n`);
process.exit(0);
