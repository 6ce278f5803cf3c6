import { useState } from 'react';
import { attempt } from '../../apollo/errors.js';
import { QueryState } from '../../components/states.js';
import { useClearFeatureFlagOverride, useFeatureFlags, useSetFeatureFlag } from '../../features/flags/api/flags.js';
import { FlagPanel } from '../../features/flags/components/flag-panel.js';
import { clearOverrideInput } from '../../features/flags/model/flag-display.js';
import { useOrganizations } from '../../features/organizations/api/organizations.js';

export function FlagsPage() {
  const flags = useFeatureFlags();
  const organizations = useOrganizations();
  const [setFlag] = useSetFeatureFlag();
  const [clearOverride] = useClearFeatureFlagOverride();
  const [error, setError] = useState<string | null>(null);
  const list = flags.data?.featureFlags ?? [];
  return (
    <div className="page">
      <h1>Feature flags</h1>
      <p className="muted">
        Precedence: environment override, then project, then organization, then global. Changes apply to the next request.
      </p>
      <QueryState
        loading={flags.loading || organizations.loading}
        error={flags.error ?? organizations.error}
        empty={list.length === 0}
        emptyText="No feature flags."
      >
        {list.map((flag) => (
          <FlagPanel
            key={flag.key}
            flag={flag}
            organizations={organizations.data?.organizations ?? []}
            error={error}
            onSet={async (enabled, scope) =>
              setError(await attempt(() => setFlag({ variables: { input: { key: flag.key, enabled, ...scope } } })))
            }
            onReset={async (scope) =>
              setError(await attempt(() => clearOverride({ variables: { input: clearOverrideInput(flag.key, scope) } })))
            }
          />
        ))}
      </QueryState>
    </div>
  );
}
