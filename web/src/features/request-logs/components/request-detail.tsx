import { failureClassLabel } from '../../../components/failure-class.js';
import { formatCount, formatDateTime, formatMs, formatUsd } from '../../../components/format.js';
import type { RequestLogDetailQuery } from '../../../graphql/generated.js';
import type { RoutingView } from '../model/routing.js';

export type RequestDetailData = RequestLogDetailQuery['requestLog'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const statusLabel = (status: string) => status.charAt(0) + status.slice(1).toLowerCase();

export function RequestDetail({ log, routing }: { log: RequestDetailData; routing: RoutingView | null }) {
  const facts: [string, string][] = [
    ['Request id', log.requestId],
    ['Time', formatDateTime(log.createdAt)],
    ['Status', `${statusLabel(log.status)}${log.failureClass ? ` · ${failureClassLabel(log.failureClass)}` : ''} · HTTP ${log.httpStatus}`],
    ['Model', log.model],
    ['Front door', log.endpoint],
    ['Provider', log.provider ?? '—'],
    ['Key source', log.keySource ?? '—'],
    ['Key', log.keyLabel ?? log.keyRef ?? '—'],
    [
      'Tokens',
      `${formatCount(log.inputTokens)} in (${formatCount(log.cachedInputTokens)} cached) · ${formatCount(log.outputTokens)} out${log.tokensEstimated ? ' · estimated' : ''}`,
    ],
    // Null to non-operators when a platform key served the call: that cost is the platform's.
    ...(log.upstreamCostUsd === null
      ? []
      : ([['Upstream cost', log.costKnown ? formatUsd(log.upstreamCostUsd, 'exact') : 'unknown (model has no price)']] as [
          string,
          string,
        ][])),
    ['Billed cost', log.costKnown ? formatUsd(log.billedCostUsd, 'exact') : 'not billed'],
    [
      'Latency',
      `${formatMs(log.latencyMs)}${log.ttftMs !== null ? ` · first token ${formatMs(log.ttftMs)}` : ''}${log.streamed ? ' · streamed' : ''}`,
    ],
    ['Attempts', String(log.attempts)],
    ['Organization', log.organizationName ?? log.organizationId],
    ['Project', log.projectName ?? log.projectId],
    ['Gateway key', log.gatewayKeyName ?? log.gatewayKeyId],
    ['Tags', log.tags.length > 0 ? log.tags.join(', ') : 'none'],
    ['End user', log.endUser ?? 'none named'],
  ];
  // The routing decision names keys by reference; the one that served the call has a readable label.
  const keyName = (keyRef: string) => (keyRef === log.keyRef && log.keyLabel ? log.keyLabel : UUID.test(keyRef) ? 'stored key' : keyRef);
  return (
    <>
      <section className="card">
        <dl className="facts" data-testid="request-facts">
          {facts.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
        {log.errorMessage ? (
          <p className="state state-error" role="note">
            {log.errorMessage}
          </p>
        ) : null}
      </section>
      <section className="card" data-testid="routing-decision">
        <header className="card-header">
          <h3>Routing decision</h3>
        </header>
        {routing ? (
          <>
            <p>
              <strong>{routing.model ?? log.model}</strong>
              {routing.why ? ` — ${routing.why}` : ''}
            </p>
            {routing.order.length ? <p className="muted">Order tried: {routing.order.join(' → ')}</p> : null}
            <div className="table-wrap">
              <table className="data-table" aria-label="Candidates">
                <thead>
                  <tr>
                    <th>Candidate</th>
                    <th>Key source</th>
                    <th>Key</th>
                    <th>Status</th>
                  </tr>
                </thead>
                <tbody>
                  {routing.candidates.map((c, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: a fixed, never-reordered list; one provider may appear twice
                    <tr key={`${c.provider}-${i}`} className={c.chosen ? 'chosen' : undefined}>
                      <td>
                        {c.provider}
                        {c.chosen ? ' ✓ chosen' : ''}
                      </td>
                      <td>{c.source}</td>
                      <td>{keyName(c.keyRef)}</td>
                      <td>
                        {c.status}
                        {c.retryAfterMs ? ` (retry in ${formatMs(c.retryAfterMs)})` : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {routing.attempts.length ? (
              <>
                <h4>Attempts</h4>
                <ol className="attempts">
                  {routing.attempts.map((a, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: attempts are an append-only list in order
                    <li key={i}>
                      {a.provider} via {a.source} key {keyName(a.keyRef)}: <strong>{a.outcome}</strong>
                    </li>
                  ))}
                </ol>
              </>
            ) : null}
          </>
        ) : (
          <p className="muted">Refused before routing; no provider was considered.</p>
        )}
      </section>
    </>
  );
}
