/** Role-aware navigation: what each viewer sees and may open. */
export interface NavItem {
  path: string;
  label: string;
  section: 'Analytics' | 'Manage' | 'Platform';
}

const ALL: (NavItem & { operatorOnly?: boolean })[] = [
  { path: '/', label: 'Overview', section: 'Analytics' },
  { path: '/usage', label: 'Usage by key', section: 'Analytics' },
  { path: '/cost', label: 'Cost & margin', section: 'Analytics' },
  { path: '/statements', label: 'Statements', section: 'Analytics' },
  { path: '/failures', label: 'Failures', section: 'Analytics' },
  { path: '/requests', label: 'Request log', section: 'Analytics' },
  { path: '/organizations', label: 'Organizations', section: 'Manage' },
  { path: '/access-tokens', label: 'Access tokens', section: 'Manage' },
  { path: '/models', label: 'Models', section: 'Manage' },
  { path: '/flags', label: 'Feature flags', section: 'Platform', operatorOnly: true },
  { path: '/hosted-pool', label: 'Hosted key pool', section: 'Platform', operatorOnly: true },
  { path: '/audit', label: 'Audit log', section: 'Platform', operatorOnly: true },
];

export function navItems(viewer: { isOperator: boolean }): NavItem[] {
  return ALL.filter((item) => !item.operatorOnly || viewer.isOperator).map(({ path, label, section }) => ({ path, label, section }));
}

/** Operator-only pages; everything else is scoped by the API to the viewer's organizations. */
export function canOpen(path: string, viewer: { isOperator: boolean }): boolean {
  const item = ALL.find((i) => i.path !== '/' && (path === i.path || path.startsWith(`${i.path}/`)));
  return !item?.operatorOnly || viewer.isOperator;
}

/** Only same-site paths may be returned to after sign-in. */
export function safeReturnPath(value: string | null): string {
  if (!value?.startsWith('/') || value.startsWith('//') || value.startsWith('/sign-in')) return '/';
  return value;
}
