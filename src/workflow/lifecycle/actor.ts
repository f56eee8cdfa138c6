// Who asked for an operation. With a signed-in user (the Argo Server with SSO) Argo records them in
// labels and messages; without one (the CLI on a kubeconfig, the local backend) it clears stale ones.
import type { KubeObject } from '../../model/meta.js';
import type { Actor } from '../../model/service.js';

export type { Actor };

export type ActionType = 'Update' | 'Suspend' | 'Stop' | 'Terminate' | 'Resume' | 'Retry' | '';

const PREFIX = 'workflows.argoproj.io/';
export const LABEL_CREATOR = `${PREFIX}creator`;
export const LABEL_CREATOR_EMAIL = `${PREFIX}creator-email`;
export const LABEL_CREATOR_PREFERRED_USERNAME = `${PREFIX}creator-preferred-username`;
export const LABEL_ACTOR = `${PREFIX}actor`;
export const LABEL_ACTOR_EMAIL = `${PREFIX}actor-email`;
export const LABEL_ACTOR_PREFERRED_USERNAME = `${PREFIX}actor-preferred-username`;
export const LABEL_ACTION = `${PREFIX}action`;

/** Label values allow [-_.a-zA-Z0-9], at most 63, starting and ending alphanumeric. */
export function dnsFriendly(s: string): string {
  let v = s.replace(/[^-_.a-zA-Z0-9]/g, '-');
  if (v.length > 63) v = v.slice(v.length - 63);
  return v.replace(/^[^a-zA-Z0-9]*/, '').replace(/[^a-zA-Z0-9]*$/, '');
}

const emailLabel = (email: string): string => dnsFriendly(email.replace('@', '.at.'));

function setOrClear(labels: Record<string, string>, key: string, value: string | undefined): void {
  if (value) labels[key] = value;
  else delete labels[key];
}

function label(
  obj: KubeObject,
  keys: [user: string, email: string, preferred: string],
  action: ActionType,
  actor: Actor | undefined,
): void {
  const labels = (obj.metadata.labels ??= {});
  setOrClear(labels, keys[0], actor?.subject ? dnsFriendly(actor.subject) : undefined);
  setOrClear(labels, keys[1], actor?.email ? emailLabel(actor.email) : undefined);
  setOrClear(labels, keys[2], actor?.preferredUsername ? dnsFriendly(actor.preferredUsername) : undefined);
  setOrClear(labels, LABEL_ACTION, actor && action ? dnsFriendly(action) : undefined);
  if (Object.keys(labels).length === 0) delete obj.metadata.labels;
}

/** Records who performed `action` on the object (or clears the record when nobody is known). */
export function labelActor(obj: KubeObject, action: ActionType, actor?: Actor): void {
  label(obj, [LABEL_ACTOR, LABEL_ACTOR_EMAIL, LABEL_ACTOR_PREFERRED_USERNAME], action, actor);
}

/** Records who created the object (or clears the record when nobody is known). */
export function labelCreator(obj: KubeObject, actor?: Actor): void {
  label(obj, [LABEL_CREATOR, LABEL_CREATOR_EMAIL, LABEL_CREATOR_PREFERRED_USERNAME], '', actor);
}

/** The actor labels a merge patch adds; nothing at all without an actor. */
export function actorPatchLabels(action: ActionType, actor?: Actor): Record<string, string> | undefined {
  if (!actor) return undefined;
  const labels: Record<string, string> = {};
  if (actor.subject) labels[LABEL_ACTOR] = dnsFriendly(actor.subject);
  if (actor.email) labels[LABEL_ACTOR_EMAIL] = emailLabel(actor.email);
  if (actor.preferredUsername) labels[LABEL_ACTOR_PREFERRED_USERNAME] = dnsFriendly(actor.preferredUsername);
  if (action) labels[LABEL_ACTION] = action;
  return labels;
}

/** "Resumed by: map[Email:… User:…]" as Go prints the claims map (keys sorted); '' without an actor. */
export function resumedByMessage(actor?: Actor): string {
  if (!actor) return '';
  const entries: [string, string | undefined][] = [
    ['Email', actor.email],
    ['PreferredUsername', actor.preferredUsername],
    ['User', actor.subject],
  ];
  const shown = entries.filter(([, v]) => v).map(([k, v]) => `${k}:${v}`);
  return `Resumed by: map[${shown.join(' ')}]`;
}
