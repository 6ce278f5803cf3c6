import { Navigate, useLocation } from 'react-router';
import { errorCode } from '../apollo/errors.js';
import { ErrorState, Loading } from '../components/states.js';
import { useViewer } from '../features/auth/api/session.js';
import { Layout } from './layout.js';
import { ViewerProvider } from './session.js';

/** Every page but sign-in: loads the viewer, or sends the visitor to sign in. */
export function RequireViewer() {
  const { data, loading, error, refetch } = useViewer();
  const location = useLocation();
  if (data?.viewer) {
    return (
      <ViewerProvider viewer={data.viewer}>
        <Layout />
      </ViewerProvider>
    );
  }
  if (error && errorCode(error) === 'UNAUTHENTICATED') {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  if (error) return <ErrorState error={error} retry={() => void refetch()} />;
  if (loading) return <Loading />;
  return <Loading />;
}

/** Operator-only pages say so instead of rendering for others. */
export function Forbidden() {
  return (
    <div className="page">
      <h1>Not available</h1>
      <p className="state state-error" role="alert">
        This page is for platform operators. Your organizations are under Organizations.
      </p>
    </div>
  );
}
