import type { ReactNode } from 'react';
import { CopyButton } from './copy-button.js';
import { Dialog } from './dialog.js';

/** The one time a new secret is visible, with a copy button and how to use it. */
export function SecretOnceDialog(props: { secret: string | null; title: string; testId: string; onClose(): void; usage: ReactNode }) {
  return (
    <Dialog
      open={props.secret !== null}
      title={props.title}
      onClose={props.onClose}
      actions={
        <button type="button" className="button primary" onClick={props.onClose}>
          I have stored it
        </button>
      }
    >
      <p>Copy it now: it is shown only once and cannot be recovered.</p>
      <div className="secret">
        <code data-testid={props.testId}>{props.secret}</code>
        {props.secret ? <CopyButton text={props.secret} /> : null}
      </div>
      <p className="muted">{props.usage}</p>
    </Dialog>
  );
}
