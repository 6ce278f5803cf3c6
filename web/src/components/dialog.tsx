import { type ReactNode, useEffect, useRef } from 'react';

/** A modal built on <dialog>: focus trapping, Escape and backdrop come from the browser. */
export function Dialog(props: { open: boolean; title: string; onClose(): void; children: ReactNode; actions?: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog ref={ref} className="dialog" onClose={props.onClose} aria-label={props.title}>
      <h2>{props.title}</h2>
      <div className="dialog-body">{props.children}</div>
      <div className="dialog-actions">{props.actions}</div>
    </dialog>
  );
}

/** "Are you sure?" for a destructive action: Cancel, or the danger button that does it. */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  confirmLabel: string;
  onCancel(): void;
  onConfirm(): void | Promise<void>;
  children: ReactNode;
}) {
  return (
    <Dialog
      open={props.open}
      title={props.title}
      onClose={props.onCancel}
      actions={
        <>
          <button type="button" className="button" onClick={props.onCancel}>
            Cancel
          </button>
          <button type="button" className="button danger" onClick={() => void props.onConfirm()}>
            {props.confirmLabel}
          </button>
        </>
      }
    >
      {props.children}
    </Dialog>
  );
}
