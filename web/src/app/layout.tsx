import { useApolloClient } from '@apollo/client/react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { signOut } from '../features/auth/api/session.js';
import { navItems } from '../features/auth/model/navigation.js';
import { useViewerContext } from './session.js';

export function Layout() {
  const viewer = useViewerContext();
  const client = useApolloClient();
  const navigate = useNavigate();
  const items = navItems(viewer);
  const sections = [...new Set(items.map((i) => i.section))];
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        {/* The dark column runs the page's full height; its contents stay in view while the page scrolls. */}
        <div className="sidebar-inner">
          <div className="brand">keyplane</div>
          {sections.map((section) => (
            <div key={section} className="nav-section">
              <div className="nav-heading">{section}</div>
              {items
                .filter((i) => i.section === section)
                .map((item) => (
                  <NavLink key={item.path} to={item.path} end={item.path === '/'} className="nav-link">
                    {item.label}
                  </NavLink>
                ))}
            </div>
          ))}
          <div className="viewer">
            <div className="viewer-email" data-testid="viewer-email">
              {viewer.email}
            </div>
            <div className="muted">
              {viewer.isOperator
                ? 'Operator'
                : `Member of ${viewer.memberships.length} organization${viewer.memberships.length === 1 ? '' : 's'}`}
            </div>
            <button
              type="button"
              className="link-button"
              onClick={async () => {
                await signOut();
                await client.clearStore();
                navigate('/sign-in');
              }}
            >
              Sign out
            </button>
          </div>
        </div>
      </nav>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
