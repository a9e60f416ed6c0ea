import { useEffect, useState } from 'react';
import type { ClinicSettings } from '../../../shared/api/settings';
import { dateInZone, DEFAULT_TIME_ZONE } from '../../../shared/domain/dates';
import { api } from '../../api-client';

let cached: ClinicSettings | null = null;

/**
 * The clinic's villages, name and time zone, fetched once per session page. "Today" is the clinic's date (the
 * services count ages and due dates in its zone), not the browser's, which may be set to UTC.
 */
export function useClinic(): { settings: ClinicSettings | null; today: string } {
  const [settings, setSettings] = useState<ClinicSettings | null>(cached);
  useEffect(() => {
    let alive = true;
    api.settings
      .get({})
      .then((s) => {
        cached = s;
        if (alive) setSettings(s);
      })
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, []);
  return { settings, today: dateInZone(Date.now(), settings?.timeZone ?? DEFAULT_TIME_ZONE) };
}
