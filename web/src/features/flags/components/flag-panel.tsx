import type { Flag } from '../model/flag-state.js';
import { describeReset, describeSource, flagStateFor, inheritedState } from '../model/flag-state.js';

interface OrgRow {
  id: string;
  name: string;
  projects: { id: string; name: string }[];
}

function Toggle(props: { label: string; enabled: boolean; onChange(enabled: boolean): void; testId?: string }) {
  return (
    <label className="toggle" data-testid={props.testId}>
      <input type="checkbox" role="switch" aria-label={props.label} checked={props.enabled} onChange={(e) => props.onChange(e.target.checked)} />
      <span>{props.enabled ? 'On' : 'Off'}</span>
    </label>
  );
}

type Scope = { organizationId?: string; projectId?: string };

/** Shown only where this scope has its own override: removes it so the scope inherits again. */
function ResetButton(props: { flag: Flag; scope: Scope; label: string; onReset(scope: Scope): void }) {
  const inherited = inheritedState(props.flag, props.scope);
  if (!inherited) return null;
  const hint = describeReset(inherited);
  return (
    <button type="button" className="link-button" aria-label={`Reset ${props.label} to inherited`} title={hint} onClick={() => props.onReset(props.scope)}>
      Reset to inherited <span className="muted">({hint})</span>
    </button>
  );
}

/** One flag: global value, env override notice, and per-organization / per-project values. */
export function FlagPanel({
  flag,
  organizations,
  onSet,
  onReset,
  error,
}: {
  flag: Flag;
  organizations: OrgRow[];
  onSet(enabled: boolean, scope: Scope): void;
  onReset(scope: Scope): void;
  error: string | null;
}) {
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
          The environment forces this flag <strong>{flag.envOverride ? 'on' : 'off'}</strong> everywhere (HOSTED_KEY_LLM={String(flag.envOverride)}). Values below are stored but have no effect until it is unset.
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
          {organizations.flatMap((org) => {
            const orgState = flagStateFor(flag, { organizationId: org.id });
            return [
              <tr key={org.id} data-testid={`flag-org-${org.name}`}>
                <td>
                  <strong>{org.name}</strong>
                </td>
                <td>
                  <span className={`badge ${orgState.enabled ? 'on' : 'off'}`}>{orgState.enabled ? 'on' : 'off'}</span>
                </td>
                <td className="muted">{describeSource(orgState)}</td>
                <td>
                  <div className="row-actions">
                    <Toggle label={`${flag.key} for ${org.name}`} enabled={orgState.ownOverride ?? orgState.enabled} onChange={(enabled) => onSet(enabled, { organizationId: org.id })} />
                    <ResetButton flag={flag} scope={{ organizationId: org.id }} label={`${flag.key} for ${org.name}`} onReset={onReset} />
                  </div>
                </td>
              </tr>,
              ...org.projects.map((project) => {
                const state = flagStateFor(flag, { organizationId: org.id, projectId: project.id });
                return (
                  <tr key={project.id} className="sub-row" data-testid={`flag-project-${org.name}/${project.name}`}>
                    <td>↳ {project.name}</td>
                    <td>
                      <span className={`badge ${state.enabled ? 'on' : 'off'}`}>{state.enabled ? 'on' : 'off'}</span>
                    </td>
                    <td className="muted">{state.source === 'organization' ? 'inherits the organization' : describeSource(state)}</td>
                    <td>
                      <div className="row-actions">
                        <Toggle label={`${flag.key} for ${org.name} / ${project.name}`} enabled={state.ownOverride ?? state.enabled} onChange={(enabled) => onSet(enabled, { projectId: project.id })} />
                        <ResetButton flag={flag} scope={{ organizationId: org.id, projectId: project.id }} label={`${flag.key} for ${org.name} / ${project.name}`} onReset={onReset} />
                      </div>
                    </td>
                  </tr>
                );
              }),
            ];
          })}
        </tbody>
      </table>
    </section>
  );
}
