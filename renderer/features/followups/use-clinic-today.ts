import { useEffect, useState } from 'react';
import { dateInZone, DEFAULT_TIME_ZONE } from '../../../shared/domain/dates';
import { api } from '../../api-client';

let cachedZone: string | null = null;

/**
 * Today in the clinic's time zone, as the services count it. The browser's own zone may differ (a laptop set to
 * UTC), so the zone comes from `app.info`; until it answers, the default clinic zone stands in.
 */
export function useClinicToday(): string {
  const [zone, setZone] = useState<string | null>(cachedZone);
  useEffect(() => {
    if (cachedZone) return;
    let alive = true;
    api.app
      .info({})
      .then((info) => {
        cachedZone = info.timeZone;
        if (alive) setZone(info.timeZone);
      })
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, []);
  return dateInZone(Date.now(), zone ?? DEFAULT_TIME_ZONE);
}
