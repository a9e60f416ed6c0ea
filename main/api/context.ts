/** Who is calling: which transport and connection. The session itself is app-wide (one clinic PC, one session). */
export interface CallContext {
  transport: 'ipc' | 'ws' | 'test';
  connectionId: string;
}
