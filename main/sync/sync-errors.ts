/**
 * The code and plain words the 同步 screen and `cunyi sync` show for whatever stopped a round. RxDB wraps the errors
 * of its handlers (a replication error's `parameters.errors`, a `cause`), and hands them on as plain JSON, so the
 * AppError our platform client threw is looked for a few levels down; anything else is INTERNAL with its message.
 */
import { AppError, isErrorCode, type ErrorCode } from '../../shared/api/errors';

export function errorOf(e: unknown): { code: ErrorCode; message: string } {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    if (cur instanceof AppError) {
      const msg = typeof cur.details?.['message'] === 'string' ? cur.details['message'] : typeof cur.details?.['reason'] === 'string' ? cur.details['reason'] : cur.code;
      return { code: cur.code, message: msg };
    }
    // RxDB hands replication errors on as plain JSON ({ name, message, code }): the AppError's code and message.
    const plain = cur as { name?: unknown; code?: unknown; message?: unknown };
    if (plain.name === 'AppError' && typeof plain.code === 'string' && isErrorCode(plain.code)) {
      return { code: plain.code, message: typeof plain.message === 'string' ? plain.message : plain.code };
    }
    const params = (cur as { parameters?: { errors?: unknown[] } }).parameters;
    cur = params?.errors?.[0] ?? (cur as { cause?: unknown }).cause;
  }
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}
