import { Link, useParams } from 'react-router';
import { QueryState } from '../../components/states.js';
import { useRequestLog } from '../../features/request-logs/api/request-logs.js';
import { RequestDetail } from '../../features/request-logs/components/request-detail.js';
import { routingView } from '../../features/request-logs/model/routing.js';

export function RequestDetailPage() {
  const { requestId = '' } = useParams();
  const { data, loading, error } = useRequestLog(requestId);
  const log = data?.requestLog;
  return (
    <div className="page">
      <p>
        <Link to="/requests">← Request log</Link>
      </p>
      <h1>Request {requestId}</h1>
      <QueryState loading={loading} error={error} empty={!log} emptyText="No such request.">
        {log ? <RequestDetail log={log} routing={routingView(log.routing)} /> : null}
      </QueryState>
    </div>
  );
}
