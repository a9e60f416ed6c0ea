/**
 * Which screen each sidebar section shows. A section without an entry says plainly that it comes later
 * (ComingSoon); features add their one line here when they are real.
 */
import type { ComponentType } from 'react';
import type { SessionState } from '../../shared/api/session';
import { ContractsPage } from '../features/contracts/ContractsPage';
import { DevicesPage } from '../features/devices/DevicesPage';
import { FollowupsPage } from '../features/followups/FollowupsPage';
import { SyncPage } from '../features/sync/SyncPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { ResidentsPage } from '../features/residents/ResidentsPage';
import { ChecksPage } from '../features/health-checks/ChecksPage';
import { WorklistPage } from '../features/worklist/WorklistPage';
import { ReportsPage } from '../features/reports/ReportsPage';
import type { Section } from './sections';

export type UnlockedSession = Extract<SessionState, { state: 'unlocked' }>;
export interface SectionPageProps {
  session: UnlockedSession;
}

export const SECTION_PAGES: Partial<Record<Section, ComponentType<SectionPageProps>>> = {
  settings: SettingsPage,
  residents: ResidentsPage,
  checks: ChecksPage,
  worklist: WorklistPage,
  followups: FollowupsPage,
  contracts: ContractsPage,
  devices: DevicesPage,
  sync: SyncPage,
  reports: ReportsPage,
};
