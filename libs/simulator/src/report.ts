// The lines a person reads while the simulator runs, and its summary.
import type { Progress } from './driver.ts';
import { countsAddUp, OUTCOMES, percentile } from './tally.ts';

export function formatProgress({ elapsedMs, tally }: Progress): string {
  const c = tally.counts;
  return `[${(elapsedMs / 1000).toFixed(0).padStart(4)} s] arrived ${c.arrived}  offered ${c.offered}  answered ${c.answered}  abandoned ${c.abandoned}  self-served ${c.selfServed}  callbacks ${c.callbacks}  waiting now ${tally.waitingNow}  talking now ${tally.talkingNow}${tally.violations.length ? `  VIOLATIONS ${tally.violations.length}` : ''}`;
}

export function formatSummary({ elapsedMs, tally }: Progress): string {
  const c = tally.counts;
  const lines = [
    `simulated ${c.arrived} calls in ${(elapsedMs / 1000).toFixed(1)} s:`,
    ...OUTCOMES.filter((o) => tally.outcomes[o] > 0).map((o) => `  ${o.padEnd(26)} ${tally.outcomes[o]}`),
    `  offered at least once      ${c.offered}`,
    `  no-answers ${c.noAnswers}, holds ${c.holds}, transfers ${c.transfers}, commands from telephony ${c.commands}`,
    `  post-call surveys offered ${c.surveysOffered}, answered ${c.surveysAnswered}`,
  ];
  const p50 = percentile(tally.offerDelaysMs, 50);
  const p99 = percentile(tally.offerDelaysMs, 99);
  if (p50 !== undefined) lines.push(`  asked for an agent → rung: p50 ${p50} ms, p99 ${p99} ms (includes waiting for a free agent)`);
  lines.push(countsAddUp(tally) ? '  every call has exactly one outcome; the counts add up' : `  ${tally.open} calls have no outcome`);
  if (tally.violations.length > 0) lines.push(`  ${tally.violations.length} violations:`, ...tally.violations.slice(0, 20).map((v) => `    - ${v}`));
  return lines.join('\n');
}
