import { useState } from 'react';
import { Link } from 'react-router';
import { type Column, DataTable } from '../../../components/data-table.js';
import { formatUsd } from '../../../components/format.js';
import type { OrganizationsQuery } from '../../../graphql/generated.js';

type Org = OrganizationsQuery['organizations'][number];

export function OrganizationList({ organizations, roleOf }: { organizations: Org[]; roleOf(org: Org): string }) {
  const columns: Column<Org>[] = [
    { key: 'name', header: 'Organization', cell: (o) => <Link to={`/organizations/${o.id}`}>{o.name}</Link> },
    { key: 'slug', header: 'Slug', cell: (o) => <code>{o.slug}</code> },
    { key: 'projects', header: 'Projects', align: 'right', cell: (o) => o.projects.length },
    { key: 'credits', header: 'Credit balance', align: 'right', cell: (o) => formatUsd(o.creditBalance) },
    { key: 'role', header: 'Your role', cell: roleOf },
  ];
  return <DataTable label="Organizations" columns={columns} rows={organizations} rowKey={(o) => o.id} testId="table-organizations" />;
}

export function CreateOrganizationForm({ onCreate }: { onCreate(name: string): Promise<string | null> }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const message = await onCreate(name.trim());
        setError(message);
        if (!message) setName('');
      }}
    >
      <input
        aria-label="New organization name"
        placeholder="New organization name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
      />
      <button type="submit" className="button primary">
        Create organization
      </button>
      {error ? <span className="field-error">{error}</span> : null}
    </form>
  );
}
