// Which department answers each category of complaint, and in how long the customer must have been told the result.

export interface ComplaintCategoryRule {
  readonly department: string;
  /** From opening to the customer told the result; each escalation level comes one more SLA after the due time. */
  readonly slaSeconds: number;
}

export type ComplaintPolicy = Readonly<Record<string, ComplaintCategoryRule>>;

const HOUR = 3600;

/** The categories agents choose from; a deployment may pass its own table to the service. */
export const defaultComplaintPolicy: ComplaintPolicy = {
  'delivery-delay': { department: 'operations', slaSeconds: 24 * HOUR },
  'damaged-goods': { department: 'claims', slaSeconds: 48 * HOUR },
  'lost-shipment': { department: 'claims', slaSeconds: 72 * HOUR },
  'pickup-missed': { department: 'dispatch', slaSeconds: 8 * HOUR },
  'staff-conduct': { department: 'quality', slaSeconds: 24 * HOUR },
  billing: { department: 'finance', slaSeconds: 72 * HOUR },
  other: { department: 'customer-service', slaSeconds: 72 * HOUR },
};

/** The departments a ticket can be with: those answering some category, each once, in the table's order. */
export const departmentsOf = (policy: ComplaintPolicy): readonly string[] => [...new Set(Object.values(policy).map((rule) => rule.department))];

/** Who an overdue ticket goes to at each escalation level (level 1 first). */
export const escalationLadder = ['department-lead', 'service-manager', 'head-of-customer-service'] as const;
