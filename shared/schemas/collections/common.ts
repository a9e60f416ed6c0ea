/**
 * Pieces every collection schema shares. Indexed fields need bounds (RxDB builds fixed-width index strings:
 * strings need maxLength, numbers minimum/maximum/multipleOf; rxdb.md).
 */
export const ID = { type: 'string', maxLength: 40 } as const;
export const CLINIC_CODE = { type: 'string', maxLength: 12 } as const;
export const VILLAGE_CODE = { type: 'string', maxLength: 12 } as const;
export const DATE = { type: 'string', maxLength: 10 } as const;
/** Epoch ms, 1970 .. 2200. */
export const INSTANT = { type: 'integer', minimum: 0, maximum: 7_258_118_400_000, multipleOf: 1 } as const;
/** Free-form form body, validated by the zod schema of its type in shared/schemas (the door), not by RxDB. */
export const BODY = { type: 'object', additionalProperties: true } as const;
