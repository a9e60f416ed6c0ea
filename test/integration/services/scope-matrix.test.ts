// Issue 11 §1: every API method × every role, generated from the contract. A method must declare its scope (a new
// one left `undecided` fails here), and the dispatcher refuses what a role may not use with FORBIDDEN, audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../../shared/api';
import type { Scope } from '../../../shared/api/method';
import { Role } from '../../../shared/api/session';
import type { AuditEntry } from '../../../shared/api/settings';
import { roleMayUse } from '../../../shared/domain/access-scope';
import { clinicHarness, type ApiHarness } from '../../helpers/api';
import { SETUP_INPUT } from '../../helpers/host';

const methods = Object.entries(contract).flatMap(([domain, ms]) =>
  Object.entries(ms).map(([name, m]) => ({ name: `${domain}.${name}`, scope: m.scope as Scope, access: m.access })),
);
const signedIn = methods.filter((m) => m.access !== 'public');
const PASSWORD = 'role password 1';

describe('role × method matrix (from the contract)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await clinicHarness();
    for (const role of Role.options.filter((r) => r !== 'admin')) {
      await h.ok('users.add', { username: role.toLowerCase(), displayName: role, role, password: PASSWORD });
    }
  });
  afterAll(async () => {
    await h.close();
  });

  it('every method has decided its scope', () => {
    expect(methods.filter((m) => m.scope === 'undecided').map((m) => m.name)).toEqual([]);
  });

  it('clinic-wide settings, users and the audit log are admin-only', () => {
    const adminOnly = methods.filter((m) => m.scope === 'admin').map((m) => m.name);
    // Packages and prices, teams, the clinic's settings and villages (settings.update), denominators, device bindings.
    expect(adminOnly).toEqual(
      expect.arrayContaining(['packages.save', 'teams.save', 'settings.update', 'denominators.save', 'denominators.remove', 'devices.saveBinding', 'devices.removeBinding', 'sync.enroll']),
    );
    // Whole domains: users and their villages, the audit log, resident imports, offline bundles.
    for (const domain of ['users', 'audit', 'imports', 'bundles']) {
      const inDomain = methods.filter((m) => m.name.startsWith(`${domain}.`));
      expect(inDomain.length, domain).toBeGreaterThan(0);
      expect(inDomain.filter((m) => m.scope !== 'admin').map((m) => m.name)).toEqual([]);
    }
  });

  it.each(Role.options)('%s: each method is allowed or FORBIDDEN as its scope says', async (role) => {
    const username = role === 'admin' ? SETUP_INPUT.admin.username : role.toLowerCase();
    await h.ok('session.signIn', { username, password: role === 'admin' ? SETUP_INPUT.admin.password : PASSWORD });
    const outcome: Record<string, 'allowed' | 'FORBIDDEN'> = {};
    const expected: Record<string, 'allowed' | 'FORBIDDEN'> = {};
    for (const m of signedIn) {
      // Empty input: allowed methods mostly stop at BAD_REQUEST; what matters is whether the door said FORBIDDEN.
      const r = await h.call(m.name, {});
      outcome[m.name] = !r.ok && r.error.code === 'FORBIDDEN' ? 'FORBIDDEN' : 'allowed';
      expected[m.name] = roleMayUse(role, m.scope) ? 'allowed' : 'FORBIDDEN';
      // Some allowed calls change the session (a lock); sign in again to keep going as the same role.
      if (!(await h.ok<{ state: string }>('session.state')).state.startsWith('unlocked')) {
        await h.ok('session.signIn', { username, password: role === 'admin' ? SETUP_INPUT.admin.password : PASSWORD });
      }
    }
    expect(outcome).toEqual(expected);
  }, 60_000);

  it('a refused call is in the audit log', async () => {
    await h.ok('session.signIn', { username: 'villagedoctor', password: PASSWORD });
    expect(await h.call('packages.save', { package: {} })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await h.ok('session.signIn', { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password });
    const [entry] = await h.ok<AuditEntry[]>('audit.list', { action: 'forbidden' });
    expect(entry).toMatchObject({ action: 'forbidden', username: 'villagedoctor', detail: 'packages.save' });
  });
});
