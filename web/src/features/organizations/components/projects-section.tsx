import { useState } from 'react';
import { Link } from 'react-router';
import { PROJECT_MODES, type ProjectMode } from '../../../../../shared/domain.js';
import { Dialog } from '../../../components/dialog.js';
import { describeModeChange, MODE_LABELS } from '../model/mode-change.js';

interface ProjectRow {
  id: string;
  name: string;
  mode: ProjectMode;
}

export function ProjectsSection(props: {
  projects: ProjectRow[];
  canManage: boolean;
  onCreate(name: string, mode: ProjectMode): Promise<string | null>;
  onChangeMode(id: string, mode: ProjectMode): Promise<string | null>;
}) {
  const [pending, setPending] = useState<{ project: ProjectRow; mode: ProjectMode } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [mode, setMode] = useState<ProjectMode>('API_KEYS');
  const change = pending ? describeModeChange(pending.project.mode, pending.mode) : null;
  return (
    <section className="card" aria-label="Projects">
      <header className="card-header">
        <h3>Projects</h3>
      </header>
      {props.projects.length === 0 ? <p className="state state-empty">No projects yet.</p> : null}
      <ul className="rows">
        {props.projects.map((p) => (
          <li key={p.id} className="row" data-testid={`project-${p.name}`}>
            <Link to={`/projects/${p.id}`}>{p.name}</Link>
            {props.canManage ? (
              <select
                aria-label={`Mode of ${p.name}`}
                value={p.mode}
                onChange={(e) => setPending({ project: p, mode: e.target.value as ProjectMode })}
              >
                {PROJECT_MODES.map((m) => (
                  <option key={m} value={m}>
                    {MODE_LABELS[m]}
                  </option>
                ))}
              </select>
            ) : (
              <span className="badge">{MODE_LABELS[p.mode]}</span>
            )}
            <Link to={`/projects/${p.id}`} className="muted">
              Gateway keys →
            </Link>
          </li>
        ))}
      </ul>
      {props.canManage ? (
        <form
          className="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            const message = await props.onCreate(name.trim(), mode);
            setError(message);
            if (!message) setName('');
          }}
        >
          <input
            aria-label="New project name"
            placeholder="New project name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
          />
          <select aria-label="New project mode" value={mode} onChange={(e) => setMode(e.target.value as ProjectMode)}>
            {PROJECT_MODES.map((m) => (
              <option key={m} value={m}>
                {MODE_LABELS[m]}
              </option>
            ))}
          </select>
          <button type="submit" className="button">
            Add project
          </button>
        </form>
      ) : null}
      {error ? <p className="field-error">{error}</p> : null}
      <Dialog
        open={pending !== null}
        title={change?.title ?? ''}
        onClose={() => setPending(null)}
        actions={
          <>
            <button type="button" className="button" onClick={() => setPending(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="button primary"
              onClick={async () => {
                if (!pending) return;
                setError(await props.onChangeMode(pending.project.id, pending.mode));
                setPending(null);
              }}
            >
              Switch mode
            </button>
          </>
        }
      >
        <p>
          Project <strong>{pending?.project.name}</strong>:
        </p>
        <ul>
          {change?.lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </Dialog>
    </section>
  );
}
