import type { SetModelAliasInput, SetModelPriceInput } from '../../../graphql/generated.js';

export interface PriceFormValues {
  /** `provider/model`, as a request writes it. */
  model: string;
  input: string;
  cachedInput: string;
  output: string;
  /** `datetime-local` text in the browser's zone; empty for now. */
  effectiveFrom: string;
  organizationId: string;
}

export const EMPTY_PRICE_FORM: PriceFormValues = {
  model: '',
  input: '',
  cachedInput: '',
  output: '',
  effectiveFrom: '',
  organizationId: '',
};

export interface AliasFormValues {
  name: string;
  /** Comma-separated, in the order to try them. */
  targets: string;
  organizationId: string;
}

export const EMPTY_ALIAS_FORM: AliasFormValues = { name: '', targets: '', organizationId: '' };

/** The mutation input for a price form; the server validates the amounts. Null when `model` is not `provider/model`. */
export function priceInput(values: PriceFormValues): SetModelPriceInput | null {
  const ref = values.model.trim();
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1) return null;
  return {
    provider: ref.slice(0, slash),
    model: ref.slice(slash + 1),
    inputUsdPerMtok: values.input.trim(),
    outputUsdPerMtok: values.output.trim(),
    ...(values.cachedInput.trim() ? { cachedInputUsdPerMtok: values.cachedInput.trim() } : {}),
    ...(values.effectiveFrom ? { effectiveFrom: new Date(values.effectiveFrom).toISOString() } : {}),
    ...(values.organizationId ? { organizationId: values.organizationId } : {}),
  };
}

export function aliasInput(values: AliasFormValues): SetModelAliasInput {
  return {
    name: values.name.trim(),
    targets: values.targets
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    ...(values.organizationId ? { organizationId: values.organizationId } : {}),
  };
}
