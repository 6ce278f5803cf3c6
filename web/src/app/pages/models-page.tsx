import { useMemo, useState } from 'react';
import { attempt } from '../../apollo/errors.js';
import { QueryState } from '../../components/states.js';
import {
  useDeleteModelAlias,
  useDeleteModelPrice,
  useModelAliases,
  useModels,
  useSetModelAlias,
  useSetModelPrice,
} from '../../features/models/api/models.js';
import { AliasSection, PriceOverrideForm } from '../../features/models/components/catalog-forms.js';
import { ModelTable } from '../../features/models/components/model-table.js';
import { aliasInput, priceInput } from '../../features/models/model/catalog-forms.js';
import { filterModelRows, modelRows } from '../../features/models/model/model-rows.js';
import { useOrganizations } from '../../features/organizations/api/organizations.js';
import { useViewerContext } from '../session.js';

/** Every model providers serve, its prices and where they come from; operators manage prices and aliases. */
export function ModelsPage() {
  const viewer = useViewerContext();
  const models = useModels();
  const aliases = useModelAliases();
  const organizations = useOrganizations();
  const [setPrice] = useSetModelPrice();
  const [deletePrice] = useDeleteModelPrice();
  const [setAlias] = useSetModelAlias();
  const [deleteAlias] = useDeleteModelAlias();
  const [search, setSearch] = useState('');
  const [priceError, setPriceError] = useState<string | null>(null);
  const [aliasError, setAliasError] = useState<string | null>(null);

  const rows = useMemo(() => modelRows(models.data?.models ?? []), [models.data]);
  const shown = useMemo(() => filterModelRows(rows, search), [rows, search]);
  const orgs = organizations.data?.organizations ?? [];
  const organizationName = (id: string) => orgs.find((o) => o.id === id)?.name ?? id;

  return (
    <div className="page">
      <h1>Models</h1>
      <p className="muted">
        Prices per 1M tokens from the maintained price data, dated corrections (overlay) and operators' overrides. Call a model as
        provider/model, or by its id for any provider that serves it.
      </p>
      {viewer.isOperator ? (
        <PriceOverrideForm
          organizations={orgs}
          error={priceError}
          onSave={async (values) => {
            const input = priceInput(values);
            const error = input ? await attempt(() => setPrice({ variables: { input } })) : 'Write the model as provider/model';
            setPriceError(error);
            return error === null;
          }}
        />
      ) : null}
      <QueryState loading={models.loading} error={models.error} empty={rows.length === 0} emptyText="No models.">
        <ModelTable
          rows={shown}
          total={rows.length}
          search={search}
          onSearch={setSearch}
          canManage={viewer.isOperator}
          organizationName={organizationName}
          onDeleteOverride={async (override) => setPriceError(await attempt(() => deletePrice({ variables: { id: override.id } })))}
        />
      </QueryState>
      <AliasSection
        aliases={aliases.data?.modelAliases ?? []}
        organizations={orgs}
        organizationName={organizationName}
        canManage={viewer.isOperator}
        error={aliasError}
        onSave={async (values) => {
          const error = await attempt(() => setAlias({ variables: { input: aliasInput(values) } }));
          setAliasError(error);
          return error === null;
        }}
        onDelete={async (alias) => setAliasError(await attempt(() => deleteAlias({ variables: { id: alias.id } })))}
      />
    </div>
  );
}
