/** The create-gateway-key form: raw strings in, a CreateGatewayKeyInput or field errors out. */
import type { BudgetPeriod, CreateGatewayKeyInput } from '../../../graphql/generated.js';

export interface GatewayKeyFormValues {
  name: string;
  rpmLimit: string;
  budgetUsd: string;
  budgetPeriod: '' | BudgetPeriod;
  allowedModels: string;
  expiresAt: string;
}

export const EMPTY_GATEWAY_KEY_FORM: GatewayKeyFormValues = {
  name: '',
  rpmLimit: '',
  budgetUsd: '',
  budgetPeriod: '',
  allowedModels: '',
  expiresAt: '',
};

export type GatewayKeyFormResult =
  | { ok: true; input: CreateGatewayKeyInput }
  | { ok: false; errors: Partial<Record<keyof GatewayKeyFormValues, string>> };

export function parseGatewayKeyForm(projectId: string, values: GatewayKeyFormValues, now: Date = new Date()): GatewayKeyFormResult {
  const errors: Partial<Record<keyof GatewayKeyFormValues, string>> = {};
  const name = values.name.trim();
  if (!name) errors.name = 'Give the key a name';
  let rpmLimit: number | undefined;
  if (values.rpmLimit.trim()) {
    rpmLimit = Number(values.rpmLimit);
    if (!Number.isInteger(rpmLimit) || rpmLimit < 1) errors.rpmLimit = 'A whole number of requests per minute, 1 or more';
  }
  let budgetUsd: string | undefined;
  if (values.budgetUsd.trim()) {
    budgetUsd = values.budgetUsd.trim();
    if (!/^\d+(\.\d{1,6})?$/.test(budgetUsd) || Number(budgetUsd) <= 0) errors.budgetUsd = 'A positive amount in USD, like 25 or 12.50';
    else if (!values.budgetPeriod) errors.budgetPeriod = 'Choose monthly or total';
  }
  let expiresAt: string | undefined;
  if (values.expiresAt.trim()) {
    const date = new Date(`${values.expiresAt.trim()}T00:00:00Z`);
    if (Number.isNaN(date.getTime())) errors.expiresAt = 'A date';
    else if (date.getTime() <= now.getTime()) errors.expiresAt = 'A date in the future';
    else expiresAt = date.toISOString();
  }
  const allowedModels = values.allowedModels
    .split(/[\s,]+/)
    .map((m) => m.trim())
    .filter(Boolean);
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    input: {
      projectId,
      name,
      ...(rpmLimit !== undefined ? { rpmLimit } : {}),
      ...(budgetUsd !== undefined ? { budgetUsd, budgetPeriod: values.budgetPeriod as BudgetPeriod } : {}),
      ...(allowedModels.length ? { allowedModels } : {}),
      ...(expiresAt ? { expiresAt } : {}),
    },
  };
}

export type KeyStatus = 'active' | 'revoked' | 'expired';

export function gatewayKeyStatus(key: { revokedAt: string | null; expiresAt: string | null }, now: Date = new Date()): KeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && new Date(key.expiresAt).getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/** "100 rpm · $25.00 monthly · 2 models" */
export function describeLimits(
  key: { rpmLimit: number | null; budgetUsd: string | null; budgetPeriod: BudgetPeriod | null; allowedModels: readonly string[] },
  formatUsd: (v: string) => string,
): string {
  const parts: string[] = [];
  if (key.rpmLimit) parts.push(`${key.rpmLimit} rpm`);
  if (key.budgetUsd) parts.push(`${formatUsd(key.budgetUsd)} ${key.budgetPeriod === 'TOTAL' ? 'total' : 'monthly'}`);
  if (key.allowedModels.length) parts.push(key.allowedModels.length === 1 ? key.allowedModels[0]! : `${key.allowedModels.length} models`);
  return parts.length ? parts.join(' · ') : 'No limits';
}
