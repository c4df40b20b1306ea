// HTTP API of customer lists: import a CSV (a report of the rows refused and why), export as CSV.
import { ProblemError, Type, type ServiceContext, type ServiceRoutes } from '@switchboard/service-kit';
import { exportCustomerList, importCustomerList, UnreadableList } from '../../application/customer-list.ts';
import type { CustomerRecords } from '../../application/customer-records.ts';
import { EXPORT, IMPORT, mayOpenCustomerOf, siteOfImportedRow, visibleSites } from './access.ts';

const MAX_CSV_BYTES = 20 * 1024 * 1024;

export function customerListRoutes(context: ServiceContext, records: CustomerRecords): ServiceRoutes {
  return async (app) => {
    app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string', bodyLimit: MAX_CSV_BYTES }, (_request, body, done) => done(null, body));

    app.post(
      '/customers/import',
      {
        config: IMPORT,
        schema: {
          body: Type.String({ description: 'text/csv: name, type, tier, phone_numbers, segment, region, preferred_agent, site (see docs/customers.md)' }),
          response: {
            200: Type.Object({
              rows: Type.Integer(),
              imported: Type.Integer(),
              refused: Type.Array(Type.Object({ row: Type.Integer(), column: Type.String(), reason: Type.String() })),
              customers: Type.Array(Type.Object({ row: Type.Integer(), customerId: Type.String() })),
            }),
          },
        },
      },
      async (request) => {
        try {
          return await importCustomerList(records, request.body, siteOfImportedRow(request), mayOpenCustomerOf(request));
        } catch (error) {
          if (error instanceof UnreadableList) throw new ProblemError({ status: 400, code: 'customer-list-unreadable', title: 'The customer list cannot be read', detail: error.message });
          throw error;
        }
      },
    );

    app.get('/customers/export', { config: EXPORT }, async (request, reply) =>
      reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="customers.csv"').send(await exportCustomerList(context.prisma, visibleSites(request))),
    );
  };
}
