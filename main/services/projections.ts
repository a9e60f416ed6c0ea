/**
 * The derived tables the storage keeps for the clinic's services, in every write's transaction
 * (main/store/rx-storage-sqlcipher/projections.ts): registered whenever the clinic database opens, in this process
 * or any other (the CLI, the seed), so no writer can bypass them.
 */
import type { Projection } from '../store/rx-storage-sqlcipher';
import { patientProjection } from './followups/patient-index';
import { indicatorProjection } from './reports/indicator-projection';
import { searchProjection } from './residents/search-index';

export const CLINIC_PROJECTIONS: readonly Projection[] = [searchProjection, patientProjection, indicatorProjection];
