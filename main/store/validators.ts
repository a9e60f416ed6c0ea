/**
 * The JSON-Schema validators of the clinic's collections (ajv, as RxDB's validate-ajv plugin uses them), compiled
 * once per process. ajv's first compile also compiles the JSON-Schema meta-schema it checks every schema against:
 * about 80 ms, then a few ms per collection, which the first sign-in of a process paid between the password and the
 * 工作台's first screen (issue 10 §4). `prepareValidators` pays it while the sign-in screen waits for a password
 * (runtime.ts). The storage RxDB writes through (`validatedStorage`, RxDB's own wrapper with these validators) and
 * the unit of work take theirs from here, so the first sign-in and the first save compile nothing.
 */
import { createRxSchema, defaultHashSha256, INTERNAL_STORE_SCHEMA, wrappedValidateStorageFactory, type RxDocumentData, type RxJsonSchema } from 'rxdb';
import { getValidator } from 'rxdb/plugins/validate-ajv';
import { collections } from '../../shared/schemas/collections';

export type Validator = (doc: RxDocumentData<unknown>) => { instancePath?: string; message?: string }[];

/** Keyed by the schema's JSON, as RxDB keys its own: equal schemas share one validator. */
const validators = new Map<string, Validator>();
/** The same by schema object, so a write does not turn its collection's schema into JSON each time. */
const bySchema = new WeakMap<object, Validator>();

export function validatorFor(schema: RxJsonSchema<unknown>): Validator {
  let validator = bySchema.get(schema);
  if (validator) return validator;
  const key = JSON.stringify(schema);
  validator = validators.get(key);
  if (!validator) {
    validator = getValidator(schema) as Validator;
    validators.set(key, validator);
  }
  bySchema.set(schema, validator);
  return validator;
}

/** RxDB's validate-ajv storage wrapper (rxdb/plugins/validate-ajv), with the validators compiled here. */
export const validatedStorage = wrappedValidateStorageFactory(
  // ajv's errors, as RxDB's own ajv wrapper passes them on.
  (schema) => validatorFor(schema as RxJsonSchema<unknown>) as unknown as ReturnType<Parameters<typeof wrappedValidateStorageFactory>[0]>,
  'cunyi-ajv',
);

/**
 * Compiles every validator a clinic's database asks for: RxDB's internal store's and each collection's, from its
 * schema as RxDB holds it once the collection is created (an equal JSON is what makes the later lookups hit).
 */
export function prepareValidators(): void {
  validatorFor(INTERNAL_STORE_SCHEMA as RxJsonSchema<unknown>);
  for (const c of Object.values(collections)) validatorFor(createRxSchema(c.schema as RxJsonSchema<unknown>, defaultHashSha256).jsonSchema as RxJsonSchema<unknown>);
}
