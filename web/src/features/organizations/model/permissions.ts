/** Who may change what, as the dashboard shows it (the API enforces the same rules). */
import type { OrgRole } from '../../../../../shared/domain.js';

export interface ViewerLike {
  isOperator: boolean;
}

/** OWNER and ADMIN manage keys, projects and members; MEMBER is read-only; operators manage all. */
export function canManage(viewer: ViewerLike, role: OrgRole | null | undefined): boolean {
  return viewer.isOperator || role === 'OWNER' || role === 'ADMIN';
}

/** Adding credits is the platform's job. */
export function canAddCredits(viewer: ViewerLike): boolean {
  return viewer.isOperator;
}

export function roleLabel(role: OrgRole | null | undefined, viewer: ViewerLike): string {
  if (role) return role.charAt(0) + role.slice(1).toLowerCase();
  return viewer.isOperator ? 'Operator' : '—';
}

/** An organization's audit log is for its ADMINs and OWNERs (and operators), as the API enforces. */
export function canReadAudit(viewer: ViewerLike, role: OrgRole | null | undefined): boolean {
  return viewer.isOperator || role === 'OWNER' || role === 'ADMIN';
}
