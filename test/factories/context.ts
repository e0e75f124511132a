/** A FoldContext over the test calendars (`24x7`, `office`) and a policy list. */
import type { PolicyListVersion } from '../../src/core/policy/types.js';
import type { FoldContext } from '../../src/core/ticket/context.js';
import { CALENDARS } from '../unit/ticket/support/calendars.js';
import { DEFAULT_POLICIES } from './policies.js';

export function foldContext(
  policyVersions: PolicyListVersion[] = DEFAULT_POLICIES,
  overrides: Partial<FoldContext> = {},
): FoldContext {
  return {
    policyVersions,
    calendar: (id) => CALENDARS[id],
    defaultCalendarId: 'office',
    fcrWindowDays: 7,
    ...overrides,
  };
}
