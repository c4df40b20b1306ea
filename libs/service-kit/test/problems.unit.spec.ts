// Every failure a caller can meet comes back as problem details that say what to fix.
import { parseConfig } from '@switchboard/config';
import { afterAll, describe, expect, it } from 'vitest';
import { ProblemDetailsSchema, ProblemError, Type, baseServiceConfig, createLogger, createService, type ServiceRoutes } from '../src/index.ts';

const routes: ServiceRoutes = async (app) => {
  app.post(
    '/customers',
    { schema: { body: Type.Object({ name: Type.String({ minLength: 1 }), tier: Type.Enum(['normal', 'gold', 'platinum']) }) } },
    async (request, reply) => reply.code(201).send({ name: request.body.name, tier: request.body.tier }),
  );
  const customer = { params: Type.Object({ customerId: Type.String() }), response: { 404: ProblemDetailsSchema } };
  app.get('/customers/:customerId', { schema: customer }, async (request) => {
    throw new ProblemError({ status: 404, code: 'customer-not-found', title: 'Customer not found', detail: `no customer ${request.params.customerId}` });
  });
  app.post('/callbacks', async () => {
    throw new ProblemError({ status: 409, code: 'callback-already-booked', detail: 'this caller already has a callback booked' });
  });
  app.get('/broken', async () => {
    throw new Error('connection to 10.0.0.7:5432 refused by pg_hba.conf');
  });
};

const service = createService({
  name: 'problems-test',
  config: parseConfig(baseServiceConfig(0), {}),
  logger: createLogger({ name: 'problems-test', level: 'silent' }),
  routes,
});
afterAll(() => service.close());

describe('problem details', () => {
  it('names the field and what was wrong when a body breaks its schema', async () => {
    const response = await service.app.inject({ method: 'POST', url: '/customers', payload: { name: 'Li Lei', tier: 'diamond' } });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({ status: 400, code: 'validation-failed', instance: '/customers' });
    expect(problem.detail).toContain('body/tier must be equal to one of the allowed values');
    expect(problem.errors).toEqual([
      { path: 'body/tier', message: 'must be equal to one of the allowed values (normal, gold, platinum)' },
    ]);
  });

  it('names a missing field by its own path', async () => {
    const response = await service.app.inject({ method: 'POST', url: '/customers', payload: { tier: 'gold' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([{ path: 'body/name', message: "must have required property 'name'" }]);
  });

  it('accepts a valid body', async () => {
    const response = await service.app.inject({ method: 'POST', url: '/customers', payload: { name: 'Li Lei', tier: 'gold' } });
    expect(response.statusCode).toBe(201);
  });

  it('answers an unknown route with 404 problem details', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/waybills/SF123?token=secret' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toEqual({
      type: 'urn:switchboard:problem:route-not-found',
      title: 'Not Found',
      status: 404,
      detail: 'no route for GET /waybills/SF123',
      instance: '/waybills/SF123',
      code: 'route-not-found',
    });
  });

  it('maps a ProblemError to its status, title and detail', async () => {
    const notFound = await service.app.inject({ method: 'GET', url: '/customers/c-42' });
    expect(notFound.statusCode).toBe(404);
    expect(notFound.json()).toMatchObject({
      type: 'urn:switchboard:problem:customer-not-found',
      title: 'Customer not found',
      detail: 'no customer c-42',
      code: 'customer-not-found',
    });
    const conflict = await service.app.inject({ method: 'POST', url: '/callbacks' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ title: 'Conflict', code: 'callback-already-booked' });
  });

  it('hides the internals of an unexpected failure behind a 500', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/broken' });
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 500, code: 'internal-error', title: 'Internal Server Error' });
    expect(response.body).not.toContain('10.0.0.7');
    expect(response.body).not.toContain('pg_hba');
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/customers',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ status: 400, code: 'bad-request' });
  });

  it('refuses to build a problem with a success status', () => {
    expect(() => new ProblemError({ status: 200, code: 'fine', detail: 'all good' })).toThrow(RangeError);
  });
});
