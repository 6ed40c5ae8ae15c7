import { randomUUID } from 'node:crypto';

/** New identifiers, injected so that tests can predict them. */
export interface Ids {
  newId(): string;
}

export const randomIds: Ids = { newId: () => randomUUID() };
