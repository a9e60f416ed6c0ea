/**
 * The clinic's e-health-card pattern as the renderer knows it: loaded from the clinic settings when the app frame
 * mounts, replaced when an administrator saves a new one on the 设备 screen, read by the key-burst scanner at each burst.
 */
import { PLACEHOLDER_HEALTH_CARD_PATTERN, type HealthCardPattern } from '../../../shared/domain/key-burst';

let current: HealthCardPattern = PLACEHOLDER_HEALTH_CARD_PATTERN;

export function healthCardPattern(): HealthCardPattern {
  return current;
}

export function setHealthCardPattern(p: HealthCardPattern): void {
  current = p;
}
