import { describeReset, describeSource, type Flag, type FlagScopeValue, scopeValue } from '../model/flag-display.js';

interface OrgRow {
  id: string;
  name: string;
  projects: { id: string; name: string }[];
}

function Toggle(props: { label: string; enabled: boolean; onChange(enabled: boolean): void; testId?: string }) {
  return (
    <label className="toggle" data-testid={props.testId}>
      <input
        type="checkbox"
        role="switch"
        aria-checked={props.enabled}
        aria-label={props.label}
        checked={props.enabled}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <span>{props.enabled ? 'On' : 'Off'}</span>
    </label>
  );
}

type Scope = { organizationId?: string; projectId?: string };

/** Shown only where this scope has its own override: removes it so the scope inherits again. */
function ResetButton(props: { value: FlagScopeValue; scope: Scope; label: string; onReset(scope: Scope): void }) {
  const hint = describeReset(props.value);
  if (!hint) return null;
  return (
    <button
      type="button"
      className="link-button"
      aria-label={`Reset ${props.label} to inherited`}
      title={hint}
      onClick={() => props.onReset(props.scope)}
    >
      Reset to inherited <span className="muted">({hint})</span>
    </button>
  );
}

/** The server's value in force for one row, why, and its own toggle and reset. */
function ScopeCells(props: {
  value: FlagScopeValue | null;
  scope: Scope;
  label: string;
  onSet: FlagPanelProps['onSet'];
  onReset: FlagPanelProps['onReset'];
}) {
  const { value } = props;
  if (!value)
    return (
      <td colSpan={3} className="muted">
        Loading…
      </td>
    );
  return (
    <>
      <td>
        <span className={`badge ${value.enabled ? 'on' : 'off'}`}>{value.enabled ? 'on' : 'off'}</span>
      </td>
      <td className="muted">{describeSource(value)}</td>
      <td>
        <div className="row-actions">
          <Toggle
            label={props.label}
            enabled={value.ownOverride ?? value.enabled}
            onChange={(enabled) => props.onSet(enabled, props.scope)}
          />
          <ResetButton value={value} scope={props.scope} label={props.label} onReset={props.onReset} />
        </div>
      </td>
    </>
  );
}

interface FlagPanelProps {
  flag: Flag;
  organizations: OrgRow[];
  onSet(enabled: boolean, scope: Scope): void;
  onReset(scope: Scope): void;
  error: string | null;
}

/** One flag: global value, env override notice, and per-organization / per-project values. */
export function FlagPanel({ flag, organizations, onSet, onReset, error }: FlagPanelProps) {
  return (
    <section className="card" aria-label={flag.key}>
      <header className="card-header">
        <h3>
          <code>{flag.key}</code>
        </h3>
        <span className="muted">{flag.description}</span>
      </header>
      {flag.envOverride !== null ? (
        <p className="state state-warning" role="note" data-testid="env-override">
          The environment forces this flag <strong>{flag.envOverride ? 'on' : 'off'}</strong> everywhere (HOSTED_KEY_LLM=
          {String(flag.envOverride)}). Values below are stored but have no effect until it is unset.
        </p>
      ) : null}
      <div className="row">
        <strong>Global</strong>
        <Toggle label={`${flag.key} globally`} enabled={flag.enabled} onChange={(enabled) => onSet(enabled, {})} testId="flag-global" />
      </div>
      {error ? <p className="field-error">{error}</p> : null}
      <table className="data-table" aria-label={`${flag.key} per organization`}>
        <thead>
          <tr>
            <th>Organization / project</th>
            <th>Effective</th>
            <th>Why</th>
            <th>Set here</th>
          </tr>
        </thead>
        <tbody>
          {organizations.flatMap((org) => [
            <tr key={org.id} data-testid={`flag-org-${org.name}`}>
              <td>
                <strong>{org.name}</strong>
              </td>
              <ScopeCells
                value={scopeValue(flag, { organizationId: org.id })}
                scope={{ organizationId: org.id }}
                label={`${flag.key} for ${org.name}`}
                onSet={onSet}
                onReset={onReset}
              />
            </tr>,
            ...org.projects.map((project) => (
              <tr key={project.id} className="sub-row" data-testid={`flag-project-${org.name}/${project.name}`}>
                <td>↳ {project.name}</td>
                <ScopeCells
                  value={scopeValue(flag, { organizationId: org.id, projectId: project.id })}
                  scope={{ projectId: project.id }}
                  label={`${flag.key} for ${org.name} / ${project.name}`}
                  onSet={onSet}
                  onReset={onReset}
                />
              </tr>
            )),
          ])}
        </tbody>
      </table>
    </section>
  );
}
