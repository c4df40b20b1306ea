// `pnpm switchboard <command>`: the command line of Switchboard. Later features add their commands here.
import { start } from './start.ts';

const commands: Record<string, { summary: string; run: (args: string[]) => Promise<void> }> = {
  start: { summary: 'run the whole system on this machine (embedded Postgres and local event log by default)', run: () => start() },
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
await command.run(args);
