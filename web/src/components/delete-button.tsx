/**
 * A row's danger "Delete" link. `label` is its accessible name and says which row goes
 * ("Delete webhook https://…"), since every row shows the same word; whether a confirmation
 * follows is the page's choice, through `onDelete`.
 */
export function DeleteButton(props: { label: string; onDelete(): void }) {
  return (
    <button type="button" className="link-button danger" aria-label={props.label} onClick={() => props.onDelete()}>
      Delete
    </button>
  );
}
