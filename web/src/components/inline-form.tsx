import type { ReactNode } from 'react';

/**
 * A card's add or set form: submitted without the browser's own validation (the feature's
 * model names each field's problem) and emptied when the save succeeds, kept as typed when it
 * fails so the caller can fix it. `label` is its accessible name.
 */
export function InlineForm(props: { label: string; onSave(): Promise<boolean>; onSaved(): void; children: ReactNode }) {
  return (
    <form
      className="form-grid inline-form"
      aria-label={props.label}
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        if (await props.onSave()) props.onSaved();
      }}
    >
      {props.children}
    </form>
  );
}
