// Our own span attribute and metric names, declared once so every service spells them the same way.

/** Span attributes of our domain; standard ones come from @opentelemetry/semantic-conventions. */
export const DomainAttribute = {
  siteId: 'switchboard.site.id',
  callId: 'switchboard.call.id',
  queueId: 'switchboard.queue.id',
  agentId: 'switchboard.agent.id',
  customerId: 'switchboard.customer.id',
  eventType: 'switchboard.event.type',
  eventId: 'switchboard.event.id',
  streamId: 'switchboard.stream.id',
} as const;

export const MetricName = {
  /** Messages between a consumer group's committed offset and the end of a partition. */
  consumerLag: 'switchboard.bus.consumer.lag',
  /** From a call queued to an agent offered, in seconds. */
  routingLatency: 'switchboard.routing.latency',
  /** Calls waiting in a queue. */
  queueSize: 'switchboard.routing.queue.size',
} as const;

export const instrumentationScope = '@switchboard/service-kit';

/** Messaging attributes are still incubating in semantic-conventions, whose advice is to copy them. */
export const MessagingAttribute = {
  destinationName: 'messaging.destination.name',
  operationType: 'messaging.operation.type',
} as const;
