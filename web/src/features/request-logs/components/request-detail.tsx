import { formatCount, formatDateTime, formatMs, formatUsd } from '../../../components/format.js';
import type { RequestLogDetailQuery } from '../../../graphql/generated.js';
import type { RoutingView } from '../model/routing.js';

export type RequestDetailData = RequestLogDetailQuery['requestLog'];

export function RequestDetail({ log, routing }: { log: RequestDetailData; routing: RoutingView | null }) {
  const facts: [string, string][] = [
    ['Request id', log.requestId],
    ['Time', formatDateTime(log.createdAt)],
    ['Status', `${log.status}${log.failureClass ? ` · ${log.failureClass}` : ''} · HTTP ${log.httpStatus}`],
    ['Model', log.model],
    ['Provider', log.provider ?? '—'],
    ['Key source', log.keySource ?? '—'],
    ['Key', log.keyRef ?? '—'],
    ['Tokens', `${formatCount(log.inputTokens)} in (${formatCount(log.cachedInputTokens)} cached) · ${formatCount(log.outputTokens)} out${log.tokensEstimated ? ' · estimated' : ''}`],
    ['Upstream cost', log.costKnown ? formatUsd(log.upstreamCostUsd) : 'unknown (model has no price)'],
    ['Billed cost', log.costKnown ? formatUsd(log.billedCostUsd) : 'not billed'],
    ['Latency', `${formatMs(log.latencyMs)}${log.ttftMs !== null ? ` · first token ${formatMs(log.ttftMs)}` : ''}${log.streamed ? ' · streamed' : ''}`],
    ['Attempts', String(log.attempts)],
    ['Organization / project / gateway key', `${log.organizationId} / ${log.projectId} / ${log.gatewayKeyId}`],
  ];
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
                    <tr key={`${c.provider}-${i}`} className={c.chosen ? 'chosen' : undefined}>
                      <td>
                        {c.provider}
                        {c.chosen ? ' ✓ chosen' : ''}
                      </td>
                      <td>{c.source}</td>
                      <td>{c.keyRef}</td>
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
                    <li key={i}>
                      {a.provider} via {a.source} key {a.keyRef}: <strong>{a.outcome}</strong>
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
