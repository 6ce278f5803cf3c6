import { useState } from 'react';
import { DeleteButton } from '../../../components/delete-button.js';
import { InlineForm } from '../../../components/inline-form.js';
import { type AliasFormValues, EMPTY_ALIAS_FORM, EMPTY_PRICE_FORM, type PriceFormValues } from '../model/catalog-forms.js';

interface Organization {
  id: string;
  name: string;
}

function OrganizationSelect(props: { label: string; value: string; organizations: readonly Organization[]; onChange(id: string): void }) {
  return (
    <label className="field">
      <span>Organization</span>
      <select aria-label={props.label} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">Everyone (global)</option>
        {props.organizations.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function TextField(props: { label: string; placeholder?: string; type?: string; value: string; onChange(value: string): void }) {
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        aria-label={props.label}
        type={props.type ?? 'text'}
        placeholder={props.placeholder}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

/** Operators: set a price per 1M tokens for a provider's model, from a date, for everyone or one organization. */
export function PriceOverrideForm(props: {
  organizations: readonly Organization[];
  error: string | null;
  onSave(values: PriceFormValues): Promise<boolean>;
}) {
  const [values, setValues] = useState<PriceFormValues>(EMPTY_PRICE_FORM);
  const set = (name: keyof PriceFormValues) => (value: string) => setValues((v) => ({ ...v, [name]: value }));
  return (
    <section className="card" aria-label="Set a price">
      <header className="card-header">
        <h3>Set a price</h3>
        <span className="muted">USD per 1M tokens; applies to requests from its date, never to past bills</span>
      </header>
      <InlineForm label="Set a model price" onSave={() => props.onSave(values)} onSaved={() => setValues(EMPTY_PRICE_FORM)}>
        <TextField label="Price model" placeholder="openai/gpt-4o-mini" value={values.model} onChange={set('model')} />
        <TextField label="Input price" placeholder="0.15" value={values.input} onChange={set('input')} />
        <TextField label="Cached input price" placeholder="(published)" value={values.cachedInput} onChange={set('cachedInput')} />
        <TextField label="Output price" placeholder="0.6" value={values.output} onChange={set('output')} />
        <TextField label="Effective from" type="datetime-local" value={values.effectiveFrom} onChange={set('effectiveFrom')} />
        <OrganizationSelect
          label="Price organization"
          value={values.organizationId}
          organizations={props.organizations}
          onChange={set('organizationId')}
        />
        <div className="field">
          <button type="submit" className="button">
            Set price
          </button>
        </div>
        {props.error ? (
          <p className="field-error" data-testid="price-error">
            {props.error}
          </p>
        ) : null}
      </InlineForm>
    </section>
  );
}

/** Aliases: a name that routes to models in order; operators add, replace and delete them. */
export function AliasSection(props: {
  aliases: readonly { id: string; name: string; organizationId: string | null; targets: readonly string[] }[];
  organizations: readonly Organization[];
  organizationName(id: string): string;
  canManage: boolean;
  error: string | null;
  onSave(values: AliasFormValues): Promise<boolean>;
  onDelete(alias: { id: string; name: string }): void;
}) {
  const [values, setValues] = useState<AliasFormValues>(EMPTY_ALIAS_FORM);
  const set = (name: keyof AliasFormValues) => (value: string) => setValues((v) => ({ ...v, [name]: value }));
  return (
    <section className="card" aria-label="Aliases">
      <header className="card-header">
        <h3>Aliases</h3>
        <span className="muted">send the name as `model`; its models are tried in order</span>
      </header>
      {props.aliases.length === 0 ? <p className="state state-empty">No aliases.</p> : null}
      <ul className="rows" data-testid="model-aliases">
        {props.aliases.map((a) => (
          <li key={a.id} className="row" data-testid={`model-alias-${a.name}`}>
            <code>{a.name}</code>
            <span>→ {a.targets.join(', then ')}</span>
            <span className="muted">{a.organizationId ? props.organizationName(a.organizationId) : 'everyone'}</span>
            {props.canManage ? (
              <span className="row-actions">
                <DeleteButton label={`Delete alias ${a.name}`} onDelete={() => props.onDelete(a)} />
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      {props.canManage ? (
        <InlineForm label="Set an alias" onSave={() => props.onSave(values)} onSaved={() => setValues(EMPTY_ALIAS_FORM)}>
          <TextField label="Alias name" placeholder="fast" value={values.name} onChange={set('name')} />
          <TextField
            label="Alias targets"
            placeholder="groq/llama-3.3-70b-versatile, together/meta-llama/Llama-3.3-70B-Instruct-Turbo"
            value={values.targets}
            onChange={set('targets')}
          />
          <OrganizationSelect
            label="Alias organization"
            value={values.organizationId}
            organizations={props.organizations}
            onChange={set('organizationId')}
          />
          <div className="field">
            <button type="submit" className="button">
              Set alias
            </button>
          </div>
          {props.error ? (
            <p className="field-error" data-testid="alias-error">
              {props.error}
            </p>
          ) : null}
        </InlineForm>
      ) : null}
    </section>
  );
}
