import { useState } from 'react';
import { PROVIDERS } from '../../../../../shared/catalog/providers.js';
import { FAILURE_CLASSES, KEY_SOURCES, REQUEST_STATUSES } from '../../../../../shared/domain.js';
import { failureClassLabel } from '../../../components/failure-class.js';
import type { RequestFilterValues } from '../model/request-filter.js';

export interface FilterOptions {
  organizations: { id: string; name: string; projects: { id: string; name: string }[] }[];
}

/** The request log's filter form; applies on submit, clears in one click. */
export function RequestFilters({
  value,
  options,
  onChange,
}: {
  value: RequestFilterValues;
  options: FilterOptions;
  onChange(values: RequestFilterValues): void;
}) {
  const [draft, setDraft] = useState<RequestFilterValues>(value);
  const set = (field: keyof RequestFilterValues, v: string) => setDraft((d) => ({ ...d, [field]: v || undefined }));
  const projects = options.organizations
    .filter((o) => !draft.organizationId || o.id === draft.organizationId)
    .flatMap((o) => o.projects.map((p) => ({ ...p, org: o.name })));
  return (
    <form
      className="filter-form card"
      aria-label="Request filters"
      onSubmit={(e) => {
        e.preventDefault();
        onChange(draft);
      }}
    >
      <select
        aria-label="Organization"
        value={draft.organizationId ?? ''}
        onChange={(e) => setDraft((d) => ({ ...d, organizationId: e.target.value || undefined, projectId: undefined }))}
      >
        <option value="">Any organization</option>
        {options.organizations.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
      <select aria-label="Project" value={draft.projectId ?? ''} onChange={(e) => set('projectId', e.target.value)}>
        <option value="">Any project</option>
        {projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.org} / {p.name}
          </option>
        ))}
      </select>
      <select aria-label="Provider" value={draft.provider ?? ''} onChange={(e) => set('provider', e.target.value)}>
        <option value="">Any provider</option>
        {PROVIDERS.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      <input
        aria-label="Model"
        placeholder="Model, e.g. gpt-4o-mini"
        value={draft.model ?? ''}
        onChange={(e) => set('model', e.target.value)}
      />
      <select aria-label="Key source" value={draft.keySource ?? ''} onChange={(e) => set('keySource', e.target.value)}>
        <option value="">Any key source</option>
        {KEY_SOURCES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <select aria-label="Status" value={draft.status ?? ''} onChange={(e) => set('status', e.target.value)}>
        <option value="">Any status</option>
        {REQUEST_STATUSES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <select aria-label="Failure class" value={draft.failureClass ?? ''} onChange={(e) => set('failureClass', e.target.value)}>
        <option value="">Any failure class</option>
        {FAILURE_CLASSES.map((c) => (
          <option key={c} value={c}>
            {failureClassLabel(c)}
          </option>
        ))}
      </select>
      <input
        aria-label="Gateway key id"
        placeholder="Gateway key id"
        value={draft.gatewayKeyId ?? ''}
        onChange={(e) => set('gatewayKeyId', e.target.value)}
      />
      <input
        aria-label="Provider key"
        placeholder="Provider key id or hosted key name"
        value={draft.keyRef ?? ''}
        onChange={(e) => set('keyRef', e.target.value)}
      />
      <input aria-label="Tag" placeholder="Tag, e.g. team:search" value={draft.tag ?? ''} onChange={(e) => set('tag', e.target.value)} />
      <input
        aria-label="End user"
        placeholder="End user (OpenAI user, Anthropic metadata.user_id)"
        value={draft.endUser ?? ''}
        onChange={(e) => set('endUser', e.target.value)}
      />
      <input
        aria-label="Front door"
        placeholder="Front door, e.g. anthropic-messages"
        value={draft.endpoint ?? ''}
        onChange={(e) => set('endpoint', e.target.value)}
      />
      <div className="filter-actions">
        <button type="submit" className="button primary">
          Apply
        </button>
        <button
          type="button"
          className="button"
          onClick={() => {
            setDraft({});
            onChange({});
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
