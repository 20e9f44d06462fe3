/**
 * Roles (issue 14, point 1): owners from ADVISOR_OWNERS grant and revoke the manager and facilitator roles in chat,
 * in any of the three languages; anyone else is refused, told who can; the environment is the seed, grants are
 * stored; "forget me" removes a user's grants; "my profile" shows the id a role is granted to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRole } from '../../src/advisor/roles/model.js';
import { loadConfig } from '../../src/config.js';
import { TestAdvisor } from '../helpers/advisor.js';

describe('roles', () => {
  let t: TestAdvisor;
  beforeAll(async () => {
    t = await TestAdvisor.start({ ADVISOR_OWNERS: 'olga', ADVISOR_MANAGERS: 'mia, max', ADVISOR_FACILITATORS: 'fred' });
  });
  afterAll(() => t.close());
  const ports = () => t.app.ports;

  it('reads the seeds from the environment: comma- or space-separated ids', () => {
    expect(loadConfig({ ADVISOR_MANAGERS: 'U1, U2 29:abc' }).ADVISOR_MANAGERS).toEqual(['U1', 'U2', '29:abc']);
    expect(loadConfig({}).ADVISOR_OWNERS).toEqual([]);
    expect(() => loadConfig({ ADVISOR_OWNERS: `${'x'.repeat(201)}` })).toThrow(/ADVISOR_OWNERS.*at most 200 characters/);
  });

  it('lets an owner grant and revoke, says when nothing changed, and lists everyone', async () => {
    const olga = t.as('olga');
    (await olga.send('role add Bob manager')).expectReply(/^Done: Bob is now a manager\.$/);
    expect(await hasRole(ports(), { user: 'Bob' }, 'manager')).toBe(true);
    (await olga.send('role add Bob manager')).expectReply(/Bob is already a manager; nothing changed/);
    (await olga.send('roles')).expectReply(/owners: olga\n• managers \(may create polls\): Bob, max, mia\n• facilitators \(may run surveys\): fred/);
    (await olga.send('role remove Bob manager')).expectReply(/Done: Bob is no longer a manager/);
    expect(await hasRole(ports(), { user: 'Bob' }, 'manager')).toBe(false);
    (await olga.send('role remove mia manager')).expectReply(/mia has no manager role granted in chat; nothing changed\. \(A role from the advisor's settings can only be changed there\.\)/);
    expect(await hasRole(ports(), { user: 'mia' }, 'manager')).toBe(true);
    // An owner may do what the others may.
    expect(await hasRole(ports(), { user: 'olga' }, 'facilitator')).toBe(true);
  });

  it('works in German and Swedish, with the role words of each', async () => {
    (await t.as('olga').send('rolle hinzufügen carl moderator')).expectReply(/^Erledigt: carl ist jetzt Moderator\.$/);
    expect(await hasRole(ports(), { user: 'carl' }, 'facilitator')).toBe(true);
    (await t.as('olga').send('roll lägg till disa ansvarig')).expectReply(/^Klart: disa är nu ansvarig\.$/);
    expect(await hasRole(ports(), { user: 'disa' }, 'manager')).toBe(true);
  });

  it('refuses anyone but an owner, saying who can, and changes nothing', async () => {
    const r = await t.as('mia').send('role add eve manager');
    r.expectReply(/Only the advisor's owners can grant or revoke roles \(olga\)/);
    expect(await hasRole(ports(), { user: 'eve' }, 'manager')).toBe(false);
    (await t.as('olga').send('role add eve')).expectReply(/give the user and the role/);
    (await t.as('olga').send('role add eve captain')).expectReply(/the role is manager or facilitator/);
    expect(await hasRole(ports(), { user: 'eve' }, 'manager')).toBe(false);
  });

  it('shows the id roles are granted to in "my profile", and forgets a user\'s grants on "forget me"', async () => {
    (await t.as('gil').send('my profile')).expectReply(/Your id \(for roles such as poll manager\): gil/);
    await t.as('olga').send('role add gil manager');
    expect(await hasRole(ports(), { user: 'gil' }, 'manager')).toBe(true);
    const gil = t.as('gil');
    const ask = await gil.send('forget me');
    (await gil.press(ask.button('privacy.confirm'))).expectReply(/your roles/);
    expect(await hasRole(ports(), { user: 'gil' }, 'manager')).toBe(false);
  });
});
