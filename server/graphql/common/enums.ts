import { registerEnumType } from 'type-graphql';
import { BudgetPeriod, FlagScope, LedgerEntryKind, OrgRole, ProjectMode } from '../../db/generated/enums.js';

registerEnumType(OrgRole, { name: 'OrgRole', description: 'Role in an organization' });
registerEnumType(ProjectMode, { name: 'ProjectMode', description: 'Which key sources a project may use (SPEC §4)' });
registerEnumType(BudgetPeriod, { name: 'BudgetPeriod' });
registerEnumType(FlagScope, { name: 'FlagScope' });
registerEnumType(LedgerEntryKind, { name: 'LedgerEntryKind' });

export { BudgetPeriod, FlagScope, LedgerEntryKind, OrgRole, ProjectMode };
