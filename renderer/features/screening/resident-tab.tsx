/** 筛查与测量 tab on the resident page (residents/resident-tabs.ts). */
import type { ResidentTab } from '../residents/resident-tabs';
import { ScreeningTab } from './ScreeningTab';

export const residentTab: ResidentTab = { key: 'screening', order: 35, label: (t) => t('screening.tab'), Component: ScreeningTab };
