// `./switchboard report …` shows durations in seconds and ratios in percent, as the reports page does;
// `./switchboard sql` shows the values as they come.
import { describe, expect, it } from 'vitest';
import { reportFormat } from '../src/report-format.ts';
import { table } from '../src/reporting-client.ts';

const row = { site_id: 'hz', interval_start: '2026-11-23 09:00:00', offered: 5, service_level: 0.6, answer_rate: 1, asa_ms: 19_583.333, aht_ms: 188_000, occupancy: 0.912_34, neutral_share: null };

describe('the report table', () => {
  it('heads durations "(s)" and ratios "(%)", and shows each to a tenth', () => {
    const lines = table([row], Object.keys(row), reportFormat).split('\n');
    expect(lines[0]!.trim().split(/\s{2,}/)).toEqual(['site id', 'interval start', 'offered', 'service level (%)', 'answer rate (%)', 'asa (s)', 'aht (s)', 'occupancy (%)', 'neutral share (%)']);
    expect(lines[2]!.trim().split(/\s{2,}/)).toEqual(['hz', '2026-11-23 09:00:00', '5', '60.0', '100.0', '19.6', '188.0', '91.2', '—']);
  });

  it('keeps SQL results as they come', () => {
    const lines = table([{ outcome: 'answered', share: 0.6, wait_ms: 19_583.333 }], ['outcome', 'share', 'wait_ms']).split('\n');
    expect(lines[0]!.trim().split(/\s{2,}/)).toEqual(['outcome', 'share', 'wait_ms']);
    expect(lines[2]!.trim().split(/\s{2,}/)).toEqual(['answered', '0.600', '19583.333']);
  });
});
