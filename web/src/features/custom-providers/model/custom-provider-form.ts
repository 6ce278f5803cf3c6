/** The custom-provider form: an organization's own OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp …). */
import type { InputError } from '../../../apollo/errors.js';
import type { CustomProviderFieldsFragment, SetCustomProviderInput } from '../../../graphql/generated.js';

export type CustomProvider = CustomProviderFieldsFragment;

export interface CustomProviderFormValues {
  slug: string;
  name: string;
  baseUrl: string;
  /** comma- or newline-separated */
  models: string;
}

export const EMPTY_CUSTOM_PROVIDER_FORM: CustomProviderFormValues = { slug: '', name: '', baseUrl: '', models: '' };

export type CustomProviderErrors = Partial<Record<keyof CustomProviderFormValues | 'form', string>>;

/** "llama3.1:8b, qwen2.5\nmistral" → unique, trimmed names in order. */
export function parseModelList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,\n]/)
        .map((m) => m.trim())
        .filter(Boolean),
    ),
  ];
}

/** Quick checks before the API's own (slug shape, built-in ids, URL rules stay the server's). */
export function parseCustomProviderForm(
  organizationId: string,
  values: CustomProviderFormValues,
): { ok: true; input: SetCustomProviderInput } | { ok: false; errors: CustomProviderErrors } {
  const errors: CustomProviderErrors = {};
  const slug = values.slug.trim().toLowerCase();
  const name = values.name.trim();
  const baseUrl = values.baseUrl.trim();
  const models = parseModelList(values.models);
  if (!slug) errors.slug = 'Give a slug, e.g. ollama';
  if (!name) errors.name = 'Give a name';
  if (!baseUrl) errors.baseUrl = 'Give the base URL, e.g. http://10.0.0.5:11434/v1';
  if (models.length === 0) errors.models = 'List at least one model';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, input: { organizationId, slug, name, baseUrl, models } };
}

/** Editing a provider fills the form with it; saving with the same slug replaces it. */
export function formFromProvider(provider: CustomProvider): CustomProviderFormValues {
  return { slug: provider.slug, name: provider.name, baseUrl: provider.baseUrl, models: provider.models.join(', ') };
}

/** True when saving these values replaces an existing provider (same slug). */
export function replacesExisting(providers: readonly CustomProvider[], slug: string): boolean {
  const wanted = slug.trim().toLowerCase();
  return wanted !== '' && providers.some((p) => p.slug === wanted);
}

/** How a client calls one of its models: `slug/model`. */
export function modelReference(provider: Pick<CustomProvider, 'slug'>, model: string): string {
  return `${provider.slug}/${model}`;
}

/** Place the API's answer beside the field it names, else under the form. */
export function customProviderErrors(error: InputError): CustomProviderErrors {
  const named: CustomProviderErrors = {};
  for (const field of ['slug', 'name', 'baseUrl', 'models'] as const) if (error.fields[field]) named[field] = error.fields[field];
  if (Object.keys(named).length > 0) return named;
  const message = error.message;
  if (/^slug\b|built-in provider|already exists/.test(message)) return { slug: message };
  if (/baseUrl/.test(message)) return { baseUrl: message };
  if (/^models?\b|model names/.test(message)) return { models: message };
  if (/^name\b/.test(message)) return { name: message };
  return { form: message };
}
