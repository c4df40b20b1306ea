// The services the launcher runs, each its own Node process with its own database.
export interface ServiceSpec {
  readonly name: string;
  readonly title: string;
  readonly defaultPort: number;
}

export const services: readonly ServiceSpec[] = [
  { name: 'console', title: 'web console', defaultPort: 4100 },
  { name: 'telephony', title: 'telephony', defaultPort: 4101 },
  { name: 'routing', title: 'routing (ACD)', defaultPort: 4102 },
  { name: 'customers', title: 'customers (CRM)', defaultPort: 4103 },
  { name: 'orders', title: 'orders and tracking', defaultPort: 4104 },
  { name: 'qa', title: 'quality', defaultPort: 4105 },
  { name: 'reporting', title: 'reporting', defaultPort: 4106 },
];

/** `routing` → `ROUTING`: the prefix of a service's variables in the launcher's environment. */
export const envPrefix = (name: string) => name.toUpperCase().replace(/-/g, '_');

/** The database of a service in the embedded Postgres. */
export const databaseName = (name: string) => `switchboard_${name.replace(/-/g, '_')}`;
export const BUS_DATABASE = 'switchboard_eventbus';
