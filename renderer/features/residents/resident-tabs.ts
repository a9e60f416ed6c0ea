/**
 * Tabs other features add to the resident page (contracts, registries, …). A feature adds one by creating
 * `renderer/features/<its-folder>/resident-tab.tsx` that exports `residentTab: ResidentTab`; this module finds those
 * files at build time (like the `messages.ts` tables in i18n/index.ts), so no file outside that folder is edited.
 */
import type { TFunction } from 'i18next';
import type { ComponentType } from 'react';
import type { ResidentDetail } from '../../../shared/api/residents';

export interface ResidentTabProps {
  residentId: string;
  detail: ResidentDetail;
  /** Fetch the resident again (after the tab changed something the cover shows, e.g. contract status). */
  reload: () => void;
}

export interface ResidentTab {
  /** Unique among tabs; also the tab's DOM key. */
  key: string;
  /** Lower first; the built-in tabs use 10 (timeline), 20 (household), 30 (personal information). */
  order: number;
  label: (t: TFunction) => string;
  Component: ComponentType<ResidentTabProps>;
}

const modules = import.meta.glob<{ residentTab?: ResidentTab }>('../*/resident-tab.tsx', { eager: true });

export function extraResidentTabs(): ResidentTab[] {
  return Object.values(modules)
    .flatMap((m) => (m.residentTab ? [m.residentTab] : []))
    .sort((a, b) => a.order - b.order);
}
