// How `./switchboard report …` shows a report's columns — every report the same way, and as the reports
// page (services/reporting/web/reports.js) does: durations in seconds to a tenth ("asa (s)" 19.6, the API
// gives milliseconds), ratios as percentages to a tenth ("answer rate (%)" 95.2, the API gives 0.952),
// counts and names as they are. The CSV (--csv) keeps the API's values.
import { plainFormat, type TableFormat } from './reporting-client.ts';

/** The interval, agent and self-service reports' ratios (docs/metrics.md): 0–1 in the API. */
const RATIOS = new Set([
  'service_level', 'sl_answered', 'sl_offered', 'sl_abandons_met', 'answer_rate', 'answer_rate_excl_short', 'queue_answer_rate', 'abandon_rate',
  'abandon_rate_excl_short', 'overflow_rate', 'callback_rate', 'callback_reach_rate', 'agent_answer_rate', 'occupancy', 'utilisation',
  'containment_rate', 'self_service_query_share', 'satisfied_share', 'neutral_share', 'dissatisfied_share', 'survey_response_rate',
]);
/** Durations are the columns named in milliseconds. */
const isDuration = (column: string) => column.endsWith('_ms');

export const reportFormat: TableFormat = {
  heading: (column) =>
    isDuration(column) ? `${column.slice(0, -3).replaceAll('_', ' ')} (s)` : RATIOS.has(column) ? `${column.replaceAll('_', ' ')} (%)` : column.replaceAll('_', ' '),
  cell: (column, v) => {
    if (typeof v !== 'number') return plainFormat.cell(column, v);
    if (isDuration(column)) return (v / 1000).toFixed(1);
    if (RATIOS.has(column)) return (v * 100).toFixed(1);
    return plainFormat.cell(column, v);
  },
};
