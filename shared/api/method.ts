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

export interface Method<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  readonly access: Access;
  readonly audit: AuditKind;
}

export function method<I extends z.ZodType, O extends z.ZodType>(def: {
  input: I;
  output: O;
  access?: Access;
  audit?: AuditKind;
}): Method<I, O> {
  return { input: def.input, output: def.output, access: def.access ?? 'session', audit: def.audit ?? 'none' };
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

/** Server side: handlers receive the parsed input and may return the output's input shape (defaults get applied). */
export type HandlersFor<D extends Domain, Ctx> = {
  [K in keyof D]: D[K] extends Method<infer I, infer O> ? (input: z.output<I>, ctx: Ctx) => Promise<z.input<O>> : never;
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
