import { useEffect, useState } from 'react';
import type { StatusSnapshot } from '../../shared/api/app';
import { api, subscribe } from '../api-client';
import { useConnection } from './use-connection';

export function useStatus(): StatusSnapshot | null {
  const connection = useConnection();
  const [status, setStatus] = useState<StatusSnapshot | null>(null);
  useEffect(() => subscribe('status.changed', setStatus), []);
  useEffect(() => {
    if (connection !== 'open') return;
    let live = true;
    api.app
      .status({})
      .then((s) => {
        if (live) setStatus(s);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [connection]);
  return status;
}
