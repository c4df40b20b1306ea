// `pnpm switchboard <command>`: the command line of Switchboard. Later features add their commands here.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { start } from './start.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');

/** The benchmarks live in their own package; they run in a process of their own, with their own Postgres. */
async function bench(args: string[]): Promise<void> {
  const result = spawnSync(process.execPath, [resolve(repoRoot, 'bench/src/main.ts'), ...args], { stdio: 'inherit', cwd: repoRoot });
  process.exitCode = result.status ?? 1;
}

const commands: Record<string, { summary: string; run: (args: string[]) => Promise<void> }> = {
  start: { summary: 'run the whole system on this machine (embedded Postgres and local event log by default)', run: () => start() },
  bench: { summary: 'run the benchmarks (all, or: local-log, event-store, kafka) and print their figures', run: bench },
  help: { summary: 'list the commands', run: async () => printHelp() },
};

function printHelp(): void {
  process.stdout.write('usage: ./switchboard <command>   (or pnpm switchboard <command>)\n\n');
  for (const [name, command] of Object.entries(commands)) process.stdout.write(`  ${name.padEnd(10)} ${command.summary}\n`);
  process.stdout.write('  test       install what is missing, then run every check and test (./switchboard test)\n');
}

const [name = 'help', ...args] = process.argv.slice(2);
const command = commands[name];
if (!command) {
  process.stderr.write(`unknown command "${name}"; run ./switchboard help for the list\n`);
  process.exit(2);
}
try {
  await command.run(args);
} catch (error) {
  process.stderr.write(`switchboard ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
