import { useCallback, useEffect, useState } from 'react';
import type { SessionState } from '../../shared/api/session';
import { api, subscribe } from '../api-client';
import { useConnection } from './use-connection';

/**
 * The session as the services see it. Refetched whenever the connection (re)opens, because events raised while
 * disconnected are lost; kept current by `session.changed` (idle lock, another window locking) and by the answers
 * of calls that change it.
 */
export function useSession(): { session: SessionState | null; error: unknown; setSession: (s: SessionState) => void } {
  const connection = useConnection();
  const [session, setSession] = useState<SessionState | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => subscribe('session.changed', setSession), []);

  const refresh = useCallback(async () => {
    try {
      setSession(await api.session.state({}));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, []);

  useEffect(() => {
    if (connection === 'open') void refresh();
  }, [connection, refresh]);

  return { session, error, setSession };
}
