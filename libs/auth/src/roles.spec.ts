import { isRole, roleAllows, ROLES } from './roles';

describe('roleAllows', () => {
  it.each([
    ['admin', 'admin', true],
    ['admin', 'operator', true],
    ['admin', 'viewer', true],
    ['operator', 'admin', false],
    ['operator', 'operator', true],
    ['operator', 'viewer', true],
    ['viewer', 'admin', false],
    ['viewer', 'operator', false],
    ['viewer', 'viewer', true],
  ] as const)('%s may do what needs %s: %s', (held, needed, allowed) => {
    expect(roleAllows(held, needed)).toBe(allowed);
  });
});

describe('ROLES', () => {
  it('orders the roles least first, and knows only those', () => {
    expect(ROLES).toEqual(['viewer', 'operator', 'admin']);
    expect(isRole('operator')).toBe(true);
    expect(isRole('root')).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });
});
