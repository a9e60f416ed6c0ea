/**
 * How an API method is declared: once, with its input and output schemas. The server's handler map and the
 * renderer's client are both derived from these declarations, so a missing, misnamed or mistyped handler or call
 * is a compile error (Signal ts/sql/Interface.std.ts, Actual's Handlers map).
 */
import type { z } from 'zod';

/** Who may call a method: before any clinic exists, while locked, or only with a signed-in user (optionally a role). */
export type Access = 'public' | 'session' | 'admin';

/**
 * `residentRead`: the answer carries residents' identifying data, so the dispatcher writes one compact audit entry
 * per call (method, who, when, how many residents, their ids when few; issue 11 §2).
 */
export type AuditKind = 'none' | 'residentRead';

/**
 * What a signed-in caller's role must allow (issue 11 §1), enforced by the dispatcher in one place:
 * - `self`: the caller's own session (password, remembered sign-in); every role.
 * - `clinic`: clinic-wide reference data to read (packages, teams, clinic settings); every role.
 * - `village`: residents and their households, encounters and contracts; every role, a village doctor only for
 *   the villages they serve.
 * - `admin`: clinic-wide settings and users; admins only.
 * - `undecided`: the default of a `session` method that declared nothing. It is refused to everyone but admins,
 *   and the role matrix test (test/unit/main/api/scope-matrix.test.ts) fails on it, so a new method cannot
 *   become open by forgetting.
 * `public` and `admin` access imply their scope.
 */
export type Scope = 'public' | 'self' | 'clinic' | 'village' | 'admin' | 'undecided';

export interface Method<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  readonly access: Access;
  readonly scope: Scope;
  readonly audit: AuditKind;
}

export function method<I extends z.ZodType, O extends z.ZodType>(def: {
  input: I;
  output: O;
  access?: Access;
  scope?: Exclude<Scope, 'undecided' | 'public'>;
  audit?: AuditKind;
}): Method<I, O> {
  const access = def.access ?? 'session';
  const scope: Scope = access === 'public' ? 'public' : access === 'admin' ? 'admin' : (def.scope ?? 'undecided');
  return { input: def.input, output: def.output, access, scope, audit: def.audit ?? 'none' };
}

export type Domain = Record<string, Method>;
export type Contract = Record<string, Domain>;

/** `residents.search` style names. */
export type MethodName<C extends Contract> = {
  [D in keyof C & string]: `${D}.${keyof C[D] & string}`;
}[keyof C & string];

export type MethodOf<C extends Contract, N extends string> = N extends `${infer D}.${infer M}`
  ? D extends keyof C
    ? M extends keyof C[D]
      ? C[D][M]
      : never
    : never
  : never;

export type InputOf<M> = M extends Method<infer I, z.ZodType> ? z.input<I> : never;
export type OutputOf<M> = M extends Method<z.ZodType, infer O> ? z.output<O> : never;

/** Server side: handlers receive the parsed input and return the output itself: production sends it unparsed. */
export type HandlersFor<D extends Domain, Ctx> = {
  [K in keyof D]: D[K] extends Method<infer I, infer O> ? (input: z.output<I>, ctx: Ctx) => Promise<z.output<O>> : never;
};

export type ContractHandlers<C extends Contract, Ctx> = { [D in keyof C]: HandlersFor<C[D], Ctx> };

/** Client side: `api.residents.search({ query: 'zs' })`. */
export type ClientFor<C extends Contract> = {
  [D in keyof C]: {
    [K in keyof C[D]]: C[D][K] extends Method<infer I, infer O>
      ? (input: z.input<I>) => Promise<z.output<O>>
      : never;
  };
};

export type EventMap = Record<string, z.ZodType>;
export type EventPayload<E extends EventMap, K extends keyof E> = z.output<E[K]>;
