import { createHash } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { hotPathSessionUrl, IDLE_CONNECTION_MS, KEPT_CONNECTIONS } from './postgres-session.js';

/** A statement the hot path runs often: prepared once per connection under `name` where the database allows. */
export interface HotStatement {
  name: string;
  text: string;
}

/**
 * Statements on the request path without Prisma. Prisma's raw-query machinery cost 0.44 ms of
 * CPU per statement in a measurement of the write-ahead intent insert, against 0.14–0.18 ms for
 * the same statement through `pg` prepared once — at 1,000 requests a second that difference
 * alone was a third of a core. Only for the request path's statements, whose parameters are
 * text (JSON batches, ids, decimals): write-ahead intents, settlement, key lookups, an
 * organization's configuration and credit leases; everything else goes through Prisma.
 */
export interface DirectSql {
  /**
   * The statement's rows, as the driver parses them. `onSent` is called once the statement has
   * left this process (a server runs a statement it received in full even if this process dies
   * right after); only the PostgreSQL server's driver can tell, the others never call it.
   */
  query<Row>(statement: HotStatement, values: readonly string[], onSent?: () => void): Promise<Row[]>;
  close(): Promise<void>;
}

/** A statement composed with `Prisma.sql` (its text numbered `$1…`, its values in order). */
export interface ComposedSql {
  text: string;
  values: readonly unknown[];
}

const composed = new Map<string, HotStatement>();

/**
 * A statement composed with `Prisma.sql`, to run through `DirectSql`: named after its text (so
 * each shape is prepared once per connection, and two shapes never share a name), with its
 * values as text — a string as it is, an array of strings as a PostgreSQL array literal. Every
 * parameter arrives typed text: the statement casts what is not (`::numeric`, `::text[]`).
 */
export function hotStatementOf(prefix: string, sql: ComposedSql): { statement: HotStatement; values: string[] } {
  let statement = composed.get(sql.text);
  if (!statement) {
    statement = { name: `${prefix}_${createHash('sha256').update(sql.text).digest('hex').slice(0, 16)}`, text: sql.text };
    composed.set(sql.text, statement);
  }
  return { statement, values: sql.values.map(asTextParameter) };
}

function asTextParameter(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    return `{${value.map((item) => `"${item.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
  throw new TypeError(`A hot statement's parameter must be text or an array of text, not ${typeof value}`);
}

/**
 * On a PostgreSQL server: a small pool of its own, each connection preparing each statement once,
 * two of them kept open while idle (`KEPT_CONNECTIONS`). The database opens two (database.ts):
 * write-ahead intents and settlement batches on one, whatever else the request path reads or
 * locks on the other, so a burst of those never queues an intent.
 */
export function postgresDirectSql(
  url: string,
  {
    max,
    applicationName,
    idleConnectionMs = IDLE_CONNECTION_MS,
  }: { max: number; applicationName: string; idleConnectionMs?: number | undefined },
): DirectSql {
  const pool = new pg.Pool({
    connectionString: hotPathSessionUrl(url),
    max,
    min: KEPT_CONNECTIONS,
    idleTimeoutMillis: idleConnectionMs,
    application_name: applicationName,
    keepAlive: true,
  });
  // An idle connection that drops is replaced on the next query; its error must not crash the process.
  pool.on('error', () => {});
  return {
    async query<Row>(statement: HotStatement, values: readonly string[], onSent?: () => void) {
      const config = { name: statement.name, text: statement.text, values: [...values] };
      if (!onSent) return (await pool.query(config)).rows as Row[];
      // A query object carrying its own callback: pool.query would run it but never see it end
      // (its releasing callback is dropped), so the connection is taken and given back here.
      const client = await pool.connect();
      let failure: Error | undefined;
      try {
        return await new Promise<Row[]>((resolve, reject) => {
          client.query(announcedQuery(config, onSent, (error, result) => (error ? reject(error) : resolve(result.rows as Row[]))));
        });
      } catch (error) {
        failure = error as Error;
        throw error;
      } finally {
        // As pool.query does: a connection whose statement failed is not reused.
        client.release(failure);
      }
    },
    close: () => pool.end(),
  };
}

/**
 * A query that calls `onSent` as the driver submits it, when its socket then holds nothing
 * unsent: the driver writes a statement's messages in one corked write, which Node hands to the
 * kernel at once when the socket can take it, and the kernel delivers what it was handed even
 * if this process is killed the next moment. When part of it stayed in the socket's buffer,
 * `onSent` is not called (the caller waits for the result instead).
 */
function announcedQuery(
  config: pg.QueryConfig<string[]>,
  onSent: () => void,
  callback: (error: Error | undefined, result: pg.QueryResult) => void,
): pg.Query {
  const query = new pg.Query(config, callback);
  // The driver's submit returns an error instead of throwing one (its types say void).
  const submit = query.submit.bind(query) as (connection: pg.Connection) => Error | null;
  query.submit = (connection) => {
    const error = submit(connection);
    if (!error && connection.stream.writableLength === 0) onSent();
    return error;
  };
  return query;
}

/**
 * On an embedded database, in whichever thread holds it: the worker (pglite-worker.ts), or this
 * one when a test hands a PGlite in. PGlite plans a parameterised query anew every time (0.79 ms
 * for the intent insert), so each statement is prepared once per session with SQL PREPARE
 * (every parameter typed text; the statements cast what they need) and run with EXECUTE in
 * 0.24–0.29 ms. EXECUTE takes no bind parameters, so the values travel as literals quoted by the
 * driver's own escapeLiteral — JSON text, ids, decimals and array literals — and the quoting is
 * tested with hostile names and arrays.
 */
export function pgliteDirectSql(pglite: PGlite): DirectSql {
  // The PREPARE in flight or done, per name: two first calls at once must not both prepare.
  const prepared = new Map<string, Promise<unknown>>();
  return {
    async query<Row>(statement: HotStatement, values: readonly string[]) {
      let preparing = prepared.get(statement.name);
      if (!preparing) {
        preparing = pglite.exec(`PREPARE ${statement.name}(${values.map(() => 'text').join(', ')}) AS ${statement.text}`);
        prepared.set(statement.name, preparing);
        // A failed PREPARE is tried again by the next call.
        preparing.catch(() => prepared.delete(statement.name));
      }
      await preparing;
      const literals = values.map((value) => pg.escapeLiteral(value)).join(', ');
      return (await pglite.query<Row>(`EXECUTE ${statement.name}(${literals})`)).rows;
    },
    close: async () => {},
  };
}

/** Through Prisma after all: for tools and tests that hold only a Prisma client. */
export function prismaDirectSql(prisma: { $queryRawUnsafe<T>(query: string, ...values: unknown[]): Promise<T> }): DirectSql {
  return {
    query: <Row>(statement: HotStatement, values: readonly string[]) => prisma.$queryRawUnsafe<Row[]>(statement.text, ...values),
    close: async () => {},
  };
}
