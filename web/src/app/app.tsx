import { ApolloProvider } from '@apollo/client/react';
import { lazy, Suspense, useMemo } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { createApolloClient } from '../apollo/client.js';
import { Loading } from '../components/states.js';
import { OperatorOnly } from './operator-only.js';
import { AcceptInvitationPage } from './pages/accept-invitation-page.js';
import { AccessTokensPage } from './pages/access-tokens-page.js';
import { AuditPage } from './pages/audit-page.js';
import { FlagsPage } from './pages/flags-page.js';
import { HostedPoolPage } from './pages/hosted-pool-page.js';
import { ModelsPage } from './pages/models-page.js';
import { OrganizationPage } from './pages/organization-page.js';
import { OrganizationsPage } from './pages/organizations-page.js';
import { ProjectPage } from './pages/project-page.js';
import { RequestDetailPage } from './pages/request-detail-page.js';
import { RequestsPage } from './pages/requests-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { StatementPage } from './pages/statement-page.js';
import { RequireViewer } from './require-viewer.js';

// The chart pages carry recharts; load them on demand so sign-in and admin screens start small.
const OverviewPage = lazy(() => import('./pages/overview-page.js').then((m) => ({ default: m.OverviewPage })));
const UsagePage = lazy(() => import('./pages/usage-page.js').then((m) => ({ default: m.UsagePage })));
const CostPage = lazy(() => import('./pages/cost-page.js').then((m) => ({ default: m.CostPage })));
const FailuresPage = lazy(() => import('./pages/failures-page.js').then((m) => ({ default: m.FailuresPage })));

export function App() {
  const client = useMemo(() => createApolloClient(), []);
  return (
    <ApolloProvider client={client}>
      <BrowserRouter>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/sign-in" element={<SignInPage />} />
            <Route path="/accept-invitation" element={<AcceptInvitationPage />} />
            <Route element={<RequireViewer />}>
              <Route index element={<OverviewPage />} />
              <Route path="usage" element={<UsagePage />} />
              <Route path="cost" element={<CostPage />} />
              <Route path="statements" element={<StatementPage />} />
              <Route path="failures" element={<FailuresPage />} />
              <Route path="requests" element={<RequestsPage />} />
              <Route path="requests/:requestId" element={<RequestDetailPage />} />
              <Route path="organizations" element={<OrganizationsPage />} />
              <Route path="organizations/:id" element={<OrganizationPage />} />
              <Route path="projects/:id" element={<ProjectPage />} />
              <Route path="access-tokens" element={<AccessTokensPage />} />
              <Route path="models" element={<ModelsPage />} />
              <Route
                path="audit"
                element={
                  <OperatorOnly>
                    <AuditPage />
                  </OperatorOnly>
                }
              />
              <Route
                path="flags"
                element={
                  <OperatorOnly>
                    <FlagsPage />
                  </OperatorOnly>
                }
              />
              <Route
                path="hosted-pool"
                element={
                  <OperatorOnly>
                    <HostedPoolPage />
                  </OperatorOnly>
                }
              />
              <Route
                path="*"
                element={
                  <div className="page">
                    <h1>Not found</h1>
                  </div>
                }
              />
            </Route>
          </Routes>
        </Suspense>
      </BrowserRouter>
    </ApolloProvider>
  );
}
