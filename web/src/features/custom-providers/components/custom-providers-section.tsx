import { useState } from 'react';
import { DeleteButton } from '../../../components/delete-button.js';
import { formatDateTime } from '../../../components/format.js';
import { InlineForm } from '../../../components/inline-form.js';
import {
  type CustomProvider,
  type CustomProviderErrors,
  type CustomProviderFormValues,
  EMPTY_CUSTOM_PROVIDER_FORM,
  formFromProvider,
  modelReference,
  replacesExisting,
} from '../model/custom-provider-form.js';

/** An organization's own OpenAI-compatible endpoints: list, add or replace (by slug), delete. */
export function CustomProvidersSection(props: {
  providers: CustomProvider[];
  canManage: boolean;
  errors: CustomProviderErrors;
  onSave(values: CustomProviderFormValues): Promise<boolean>;
  onDelete(provider: CustomProvider): void;
}) {
  const [values, setValues] = useState<CustomProviderFormValues>(EMPTY_CUSTOM_PROVIDER_FORM);
  const replacing = replacesExisting(props.providers, values.slug);
  const bind = (name: keyof CustomProviderFormValues) => ({
    value: values[name],
    onChange: (e: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: e.target.value })),
    'aria-invalid': Boolean(props.errors[name]),
  });
  const field = (name: keyof CustomProviderFormValues, label: string, input: React.ReactNode) => (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the `input` passed in
    <label className="field">
      <span>{label}</span>
      {input}
      {props.errors[name] ? (
        <span className="field-error" data-testid={`custom-provider-error-${name}`}>
          {props.errors[name]}
        </span>
      ) : null}
    </label>
  );
  return (
    <section className="card" aria-label="Custom providers">
      <header className="card-header">
        <h3>Custom providers</h3>
        <span className="muted">your own OpenAI-compatible endpoints (Ollama, vLLM, llama.cpp); call their models as slug/model</span>
      </header>
      {props.providers.length === 0 ? <p className="state state-empty">No custom providers.</p> : null}
      <ul className="rows" data-testid="custom-providers">
        {props.providers.map((p) => (
          <li key={p.id} className="row" data-testid={`custom-provider-${p.slug}`}>
            <strong>{p.name}</strong>
            <code>{p.slug}</code>
            <code className="muted">{p.baseUrl}</code>
            <span>
              {p.models.map((m) => (
                <code key={m} className="badge">
                  {modelReference(p, m)}
                </code>
              ))}
            </span>
            <span className="muted">added {formatDateTime(p.createdAt)}</span>
            {props.canManage ? (
              <span className="row-actions">
                <button type="button" className="link-button" onClick={() => setValues(formFromProvider(p))}>
                  Edit
                </button>
                <DeleteButton label={`Delete custom provider ${p.slug}`} onDelete={() => props.onDelete(p)} />
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      {props.canManage ? (
        <InlineForm
          label="Add or replace a custom provider"
          onSave={() => props.onSave(values)}
          onSaved={() => setValues(EMPTY_CUSTOM_PROVIDER_FORM)}
        >
          {field('slug', 'Slug', <input aria-label="Custom provider slug" placeholder="ollama" {...bind('slug')} />)}
          {field('name', 'Name', <input aria-label="Custom provider name" placeholder="Office GPU box" {...bind('name')} />)}
          {field(
            'baseUrl',
            'Base URL',
            <input aria-label="Custom provider base URL" placeholder="http://10.0.0.5:11434/v1" {...bind('baseUrl')} />,
          )}
          {field(
            'models',
            'Models (comma-separated)',
            <input aria-label="Custom provider models" placeholder="llama3.1:8b, qwen2.5:7b" {...bind('models')} />,
          )}
          <div className="field">
            <button type="submit" className="button">
              {replacing ? 'Replace provider' : 'Add provider'}
            </button>
          </div>
          {props.errors.form ? <p className="field-error">{props.errors.form}</p> : null}
        </InlineForm>
      ) : null}
    </section>
  );
}
