// `pnpm --filter @switchboard/contracts check`: buf lint, format, breaking against main, and generated-code drift.
import { breaking, formatCheck, generatedDrift, lint } from './proto-tools.ts';

const results = [lint(), formatCheck(), breaking(), generatedDrift()];
for (const r of results) (r.ok ? console.log : console.error)(`${r.ok ? '✓' : '✗'} ${r.message}`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
