import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { CliCommand } from './types.ts';

const repoRoot = resolve(import.meta.dirname, '../../../..');

/** The benchmarks live in their own package; they run in a process of their own, with their own Postgres. */
export const command: CliCommand = {
  summary: 'run the benchmarks (all, or some by name: ./switchboard bench routing) and print their figures',
  async run(args) {
    const result = spawnSync(process.execPath, [resolve(repoRoot, 'bench/src/main.ts'), ...args], { stdio: 'inherit', cwd: repoRoot });
    process.exitCode = result.status ?? 1;
  },
};
