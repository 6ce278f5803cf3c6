import { registerEnumType } from 'type-graphql';
import {
  AttributionScope,
  BudgetPeriod,
  FlagScope,
  LedgerEntryKind,
  OrgRole,
  ProjectMode,
  WebhookDeliveryStatus,
} from '../../db/generated/enums.js';

registerEnumType(OrgRole, { name: 'OrgRole', description: 'Role in an organization' });
registerEnumType(ProjectMode, {
  name: 'ProjectMode',
  description: 'Which key sources a project may use: API_KEYS (caller and stored keys), CREDITS (platform keys), HYBRID (all)',
});
registerEnumType(BudgetPeriod, { name: 'BudgetPeriod' });
registerEnumType(FlagScope, { name: 'FlagScope' });
registerEnumType(LedgerEntryKind, { name: 'LedgerEntryKind' });
registerEnumType(AttributionScope, {
  name: 'AttributionScope',
  description: 'What an attribution budget is for: one tag, or one end user',
});
registerEnumType(WebhookDeliveryStatus, { name: 'WebhookDeliveryStatus' });

export { AttributionScope, BudgetPeriod, FlagScope, LedgerEntryKind, OrgRole, ProjectMode, WebhookDeliveryStatus };
