// What the launcher shows while it works: numbered steps with their time, and service log lines.
const bold = (s: string) => (process.stdout.isTTY ? `\u001b[1m${s}\u001b[22m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\u001b[2m${s}\u001b[22m` : s);

export async function step<T>(title: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  process.stdout.write(`${bold('▸')} ${title} …\n`);
  const result = await work();
  process.stdout.write(`  ${dim(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`)}\n`);
  return result;
}

export const note = (line: string) => process.stdout.write(`  ${line}\n`);

const levels: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** Turns a service's pino JSON line into `service level message`; other lines pass through. */
export function formatServiceLine(service: string, line: string): string {
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
    const level = levels[entry.level ?? 30] ?? 'info';
    const extra = entry.err?.message ? ` (${entry.err.message})` : '';
    return `${dim(service.padEnd(10))} ${level.padEnd(5)} ${entry.msg ?? ''}${extra}`;
  } catch {
    return `${dim(service.padEnd(10))} ${line}`;
  }
}
