/**
 * The one door into the services, for both transports (Electron IPC in main/app, the headless host's WebSocket in
 * main/host). Find the method, check access, parse the input, call the handler, answer a result. Nothing thrown by a
 * handler leaves as a stack trace: expected states are AppErrors with codes; anything else is logged here with the
 * request id and reaches the caller as INTERNAL. Outputs are checked against the contract only under test
 * (`checkOutputs`), never after a production write has committed.
 */
import { randomUUID } from 'node:crypto';
import type { ApiResult, EventName } from '../../shared/api';
import { AppError } from '../../shared/api/errors';
import { zodIssuesToFields } from '../../shared/api/fields';
import type { Access, Contract, ContractHandlers, Method, Scope } from '../../shared/api/method';

export interface Logger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
}

export const consoleLogger: Logger = {
  error: (m, meta) => console.error(`[cunyi] ${m}`, meta ?? ''),
  warn: (m, meta) => console.warn(`[cunyi] ${m}`, meta ?? ''),
  info: (m, meta) => console.log(`[cunyi] ${m}`, meta ?? ''),
};

export interface DispatcherOptions<C extends Contract, Ctx> {
  contract: C;
  handlers: ContractHandlers<C, Ctx>;
  /**
   * Throws an AppError (LOCKED, FORBIDDEN) when the caller may not use a method of this access level and scope.
   * The one place where who-may-call-what is decided (issue 11 §1).
   */
  authorize(access: Access, ctx: Ctx, methodName: string, scope: Scope): void;
  /**
   * Throws FORBIDDEN when the parsed input of a `village`-scoped method names a record or village outside the
   * caller's (issue 11 §1); runs before the handler, so a refused write changes nothing.
   */
  authorizeRecords?(methodName: string, input: unknown, ctx: Ctx): Promise<void>;
  logger?: Logger;
  /** Parse handler outputs too, so drift between contract and handler fails loudly (on in tests). */
  checkOutputs?: boolean;
  /** Called after a successful call of a method declared `audit: 'residentRead'`, with its parsed answer. */
  auditRead?(methodName: string, value: unknown, input: unknown, ctx: Ctx): Promise<void>;
  /** Called when a call was refused with FORBIDDEN, so the attempt is audited. */
  auditRefusal?(methodName: string, error: AppError, ctx: Ctx): Promise<void>;
}

export type Dispatch<Ctx> = (methodName: unknown, input: unknown, ctx: Ctx) => Promise<ApiResult<unknown>>;

/** What a transport needs to push events: the runtime's EventBus, or the RuntimeClient relaying it from a worker. */
export interface EventSource {
  subscribe(listener: (event: EventName, payload: unknown) => void): () => void;
}

/**
 * Events whose payload names residents. The runtime publishes them only with the residents the signed-in user may
 * see (issue 11), so a page that is not ready yet must not be handed, after a sign-in or lock, those it queued for
 * the session before: both transports drop them from a waiting page's queue on `session.changed`.
 */
export const RESIDENT_EVENTS: ReadonlySet<EventName> = new Set<EventName>(['worklist.changed']);

export function errorToResult(e: unknown, logger: Logger, methodName: string): ApiResult<never> {
  if (e instanceof AppError) return { ok: false, error: e.toPayload() };
  const requestId = randomUUID();
  logger.error(`request ${requestId} to ${methodName} failed`, {
    error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e),
  });
  return { ok: false, error: { code: 'INTERNAL', message: 'INTERNAL', details: { requestId } } };
}

export function createDispatcher<C extends Contract, Ctx>(options: DispatcherOptions<C, Ctx>): Dispatch<Ctx> {
  const logger = options.logger ?? consoleLogger;
  const table = new Map<string, { def: Method; handler: (input: unknown, ctx: Ctx) => Promise<unknown> }>();
  for (const [domainName, domain] of Object.entries(options.contract)) {
    const domainHandlers = (options.handlers as Record<string, Record<string, (i: unknown, c: Ctx) => Promise<unknown>>>)[
      domainName
    ];
    for (const [name, def] of Object.entries(domain)) {
      const handler = domainHandlers?.[name];
      if (!handler) throw new Error(`No handler for ${domainName}.${name}`);
      table.set(`${domainName}.${name}`, { def, handler });
    }
  }

  return async (methodName, input, ctx) => {
    const name = typeof methodName === 'string' ? methodName : '';
    const entry = table.get(name);
    if (!entry) {
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: 'UNKNOWN_METHOD', details: { method: name.slice(0, 80) } } };
    }
    try {
      options.authorize(entry.def.access, ctx, name, entry.def.scope);
      const parsed = entry.def.input.safeParse(input ?? {});
      if (!parsed.success) {
        return {
          ok: false,
          error: { code: 'BAD_REQUEST', message: 'BAD_REQUEST', fields: zodIssuesToFields(parsed.error.issues) },
        };
      }
      if (entry.def.scope === 'village') await options.authorizeRecords?.(name, parsed.data, ctx);
      const raw = await entry.handler(parsed.data, ctx);
      let value: unknown = raw;
      if (options.checkOutputs) {
        const out = entry.def.output.safeParse(raw);
        if (!out.success) throw new Error(`${name} returned a value outside its contract: ${out.error.message}`);
        value = out.data;
      }
      // In production the handler's answer goes out as it is. By now a write has committed: parsing here could only
      // turn a saved record into INTERNAL, and the caller would retry a write that already happened (issue 10 §7).
      // Drift between handler and contract is caught by the tests, which run with checkOutputs.
      // The entry is written before the answer leaves: a read that cannot be audited is not answered.
      if (entry.def.audit === 'residentRead') await options.auditRead?.(name, value, parsed.data, ctx);
      return { ok: true, value };
    } catch (e) {
      if (e instanceof AppError && e.code === 'FORBIDDEN' && options.auditRefusal) {
        await options.auditRefusal(name, e, ctx).catch((auditError: unknown) => logger.error(`audit of a refusal failed`, { auditError: String(auditError) }));
      }
      return errorToResult(e, logger, name);
    }
  };
}
