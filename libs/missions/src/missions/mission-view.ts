import { redactText, redactValue } from '@brain/tasks';
import type { Mission } from './mission.store';

/**
 * A mission as it may leave the process (API answers, notifications): secret-named fields of its
 * payload and result (step headers such as Authorization or Cookie, body passwords...) and the
 * credentials of URLs anywhere in it masked. Nobody reads stored secrets back, admins included;
 * the run itself reads the store.
 */
export function missionForView<M extends Mission>(mission: M): M {
  return {
    ...mission,
    payload: redactValue(mission.payload) as Record<string, unknown>,
    result: redactValue(mission.result),
    error: mission.error === null ? null : redactText(mission.error),
  };
}
