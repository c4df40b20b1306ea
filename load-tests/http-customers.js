// k6 load test of the customer HTTP path: register customers, read them back, and look up callers' tiers on routing.
//
//   k6 run -e TOKEN=... -e CUSTOMERS_URL=http://customers:4103 -e ROUTING_URL=http://routing:4102 load-tests/http-customers.js
//
// Environment: TOKEN (required: an access token both services accept — a service token signed with the
// system's AUTH_TOKEN_SECRET, see load-tests/README.md; a service token registers national customers);
// optional: CUSTOMERS_URL, ROUTING_URL (defaults: the embedded mode's ports on 127.0.0.1), RATE
// (iterations per second at the plateau, default 50), DURATION (plateau, default 2m).
// Each iteration registers one customer (POST /customers), reads it (GET /customers/:customerId)
// and asks routing for the tier of a number registered a few seconds earlier
// (GET /caller-tiers/:phoneNumber), which routing learns from customers.events asynchronously.
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
import { Rate, Trend } from 'k6/metrics';

const CUSTOMERS_URL = (__ENV.CUSTOMERS_URL || 'http://127.0.0.1:4103').replace(/\/+$/, '');
const ROUTING_URL = (__ENV.ROUTING_URL || 'http://127.0.0.1:4102').replace(/\/+$/, '');
const RATE = Number(__ENV.RATE || 50);
const DURATION = __ENV.DURATION || '2m';
// How old a registration must be before routing is expected to know its tier: the projection is fed
// through the outbox relay and the bus, so an immediate read could see "normal" and prove nothing.
const PROPAGATION_GRACE_MS = Number(__ENV.PROPAGATION_GRACE_MS || 3000);

const TIERS = ['platinum', 'gold', 'normal'];
// Every route of customers and routing needs a signed-in caller (docs/roles.md).
const TOKEN = __ENV.TOKEN || '';
const SIGNED_IN = { Authorization: `Bearer ${TOKEN}` };
const JSON_HEADERS = { 'Content-Type': 'application/json', ...SIGNED_IN };

// A caller's tier as routing reports it, compared with the tier the customer was registered with.
const tierPropagated = new Rate('caller_tier_propagated');
// Time from registration to the lookup that saw the right tier (an upper bound of the projection's lag).
const propagationAge = new Trend('caller_tier_lookup_age', true);

export const options = {
  scenarios: {
    customers: {
      // An arrival rate, not a VU count: a slow service gets more requests in flight, as in production,
      // instead of fewer requests (which would hide the slowdown).
      executor: 'ramping-arrival-rate',
      startRate: 1,
      timeUnit: '1s',
      preAllocatedVUs: 50,
      maxVUs: 500,
      stages: [
        { target: RATE, duration: '30s' },
        { target: RATE, duration: DURATION },
        { target: 0, duration: '10s' },
      ],
    },
  },
  // Requests are tagged with their route, so that one metric series stands for each route rather
  // than one per customer id or phone number.
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{name:POST /customers}': ['p(95)<300', 'p(99)<800'],
    'http_req_duration{name:GET /customers/:customerId}': ['p(95)<100', 'p(99)<250'],
    'http_req_duration{name:GET /caller-tiers/:phoneNumber}': ['p(95)<100', 'p(99)<250'],
    checks: ['rate>0.99'],
    caller_tier_propagated: ['rate>0.99'],
  },
};

// A per-run salt, so that two runs against the same system do not register the same numbers.
export function setup() {
  if (!TOKEN) throw new Error('set TOKEN: an access token the services accept (load-tests/README.md says how to make one)');
  return { salt: Math.floor(Math.random() * 90) + 10 };
}

// A Chinese mobile number in E.164 (+86 1[3-9]x xxxx xxxx), unique within the run.
function phoneNumberFor(salt, iteration) {
  const second = 3 + (iteration % 7);
  const rest = String((salt * 10000000 + iteration) % 1000000000).padStart(9, '0');
  return `+861${second}${rest}`;
}

// This VU's registrations, oldest first, waiting to be looked up on routing.
const pending = [];

export default function (data) {
  const iteration = exec.scenario.iterationInTest;
  const tier = TIERS[iteration % TIERS.length];
  const phoneNumber = phoneNumberFor(data.salt, iteration);

  const created = http.post(
    `${CUSTOMERS_URL}/customers`,
    JSON.stringify({ name: `Load test customer ${iteration}`, tier, phoneNumbers: [phoneNumber] }),
    { headers: JSON_HEADERS, tags: { name: 'POST /customers' } },
  );
  const registered = check(created, {
    'register: 201': (r) => r.status === 201,
    'register: has an id': (r) => r.status === 201 && typeof r.json('customerId') === 'string',
  });
  if (!registered) return;
  const customerId = created.json('customerId');

  const read = http.get(`${CUSTOMERS_URL}/customers/${customerId}`, { headers: SIGNED_IN, tags: { name: 'GET /customers/:customerId' } });
  check(read, {
    'read: 200': (r) => r.status === 200,
    'read: same tier': (r) => r.status === 200 && r.json('tier') === tier,
  });
  pending.push({ phoneNumber, tier, at: Date.now() });

  // Look up the oldest registration that routing has had time to learn about.
  if (pending.length === 0 || Date.now() - pending[0].at < PROPAGATION_GRACE_MS) return;
  const earlier = pending.shift();
  const lookup = http.get(`${ROUTING_URL}/caller-tiers/${encodeURIComponent(earlier.phoneNumber)}`, {
    headers: SIGNED_IN,
    tags: { name: 'GET /caller-tiers/:phoneNumber' },
  });
  check(lookup, { 'caller tier: 200': (r) => r.status === 200 });
  if (lookup.status === 200) {
    const propagated = lookup.json('tier') === earlier.tier;
    tierPropagated.add(propagated);
    if (propagated) propagationAge.add(Date.now() - earlier.at);
  }
}
