/**
 * The small red 删除 button of a settings list row: runs the removal, then reloads the list; a refusal (no right,
 * a county-issued row, the connection gone) is said in a message and the row stays.
 */
import { App, Button } from 'antd';
import { errorText } from './api-errors';

export function RemoveButton({ label, remove, then }: { label: string; remove: () => Promise<unknown>; then: () => Promise<void> }) {
  const { message } = App.useApp();
  return (
    <Button
      size="small"
      danger
      onClick={() =>
        void remove()
          .then(then)
          .catch((e: unknown) => void message.error(errorText(e)))
      }
    >
      {label}
    </Button>
  );
}
