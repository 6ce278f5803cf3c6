import type { FastifyInstance } from 'fastify';
import { DomainError, notFound, unauthenticated } from '../domain/errors.js';
import type { Services } from '../domain/services.js';
import { statementCsv, statementCsvFilename } from '../domain/statements/statement-csv.js';
import { resolveActor } from './authenticate.js';

const CSV_FILE = /^(.{1,20})\.csv$/;

/**
 * `GET /statements/:organizationId/:month.csv` — an organization's monthly statement as CSV,
 * authenticated like /graphql (bearer access token or the dashboard's session cookie) and
 * allowed to the same people as the `statement` query.
 */
export function registerStatementRoutes(app: FastifyInstance, services: Services): void {
  app.get<{ Params: { organizationId: string; file: string } }>('/statements/:organizationId/:file', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      const month = CSV_FILE.exec(request.params.file)?.[1];
      if (!month) throw notFound('Statement');
      const actor = await resolveActor(request, services);
      if (!actor) throw unauthenticated();
      const statement = await services.statements.statement(actor, request.params.organizationId, month);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${statementCsvFilename(statement)}"`)
        .send(statementCsv(statement));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return reply.code(error.httpStatus).send({ error: { message: error.message, code: error.code } });
    }
  });
}
