// `pnpm switchboard <command>`: the command line of Switchboard. Each command is a file in ./commands.
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliCommand } from './commands/types.ts';

const folder = resolve(import.meta.dirname, 'commands');

async function loadCommands(): Promise<Map<string, CliCommand>> {
  const files = (await readdir(folder)).filter((f) => f.endsWith('.ts') && f !== 'types.ts' && !f.includes('.spec.')).sort();
  const commands = new Map<string, CliCommand>();
  for (const file of files) {
    const module = (await import(resolve(folder, file))) as { command?: CliCommand };
    if (module.command) commands.set(file.slice(0, -'.ts'.length), module.command);
  }
  return commands;
}

function printHelp(commands: Map<string, CliCommand>): void {
  process.stdout.write('usage: ./switchboard <command>   (or pnpm switchboard <command>)\n\n');
  for (const [name, command] of commands) process.stdout.write(`  ${name.padEnd(10)} ${command.summary}\n`);
  process.stdout.write('  test       install what is missing, then run every check and test (./switchboard test)\n');
}

const commands = await loadCommands();
const [name = 'help', ...args] = process.argv.slice(2);
if (name === 'help' || name === '--help' || name === '-h') {
  printHelp(commands);
  process.exit(0);
}
const command = commands.get(name);
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
