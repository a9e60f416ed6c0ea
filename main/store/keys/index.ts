export { DEFAULT_KDF_COST, deriveKey, newKdfParams, KdfParams, type Argon2idCost, type KdfCost, type ScryptCost } from './kdf';
export {
  KEYSLOTS_FILE,
  KEYSLOTS_PREV_FILE,
  hasKeySlots,
  KeySlotsFile,
  readKeySlots,
  usernameKey,
  type KeySlotsRead,
} from './keyslots';
export { FakeOsKeystore, type OsKeystore } from './os-keystore';
export { formatRecoveryKey, parseRecoveryKey } from './recovery-key';
export {
  checkPasswordPolicy,
  FREE_ATTEMPTS,
  MAX_PASSWORD_LENGTH,
  MAX_THROTTLE_DELAY_MS,
  MIN_PASSWORD_LENGTH,
  throttleDelayMs,
} from './sign-in-policy';
export { KeyVault, type KeyVaultOptions, type NewUser, type PasswordUnlocked, type Unlocked } from './vault';
