/**
 * The derived tables the storage keeps for the clinic's services, in every write's transaction
 * (main/store/rx-storage-sqlcipher/projections.ts): registered whenever the clinic database opens, in this process
 * or any other (the CLI, the seed), so no writer can bypass them.
 */
import type { Projection } from '../store/rx-storage-sqlcipher';
import { patientProjection } from './followups/patient-index';
import { indicatorFactsProjection } from './reports/indicator-facts';
import { indicatorProjection } from './reports/indicator-projection';
import { searchProjection } from './residents/search-index';
import { workProjection } from './followups/work-cache';

/**
 * `workProjection` comes before `patientProjection`, and `indicatorFactsProjection` before `indicatorProjection`: each
 * reads a moved document's previous owner from the other's rows before they are updated.
 */
export const CLINIC_PROJECTIONS: readonly Projection[] = [searchProjection, workProjection, patientProjection, indicatorFactsProjection, indicatorProjection];
