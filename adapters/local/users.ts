/**
 * The users function's local entry point: a Node HTTP request under `/users`, translated to the
 * neutral request, answered by the core, translated back. The core writes the one log line of
 * each request (method, route, status, duration), so this entry point adds none.
 */
import { createUsersApi, type UsersApi } from '../../handlers/users';
import { toHttpRequest, toNodeResponse, type NodeResponse, type RawRequest } from './events/http';
import type { LocalPorts } from './wiring';

export function usersEntry(ports: LocalPorts) {
  let api: UsersApi | undefined;
  return async (raw: RawRequest): Promise<NodeResponse> => {
    const request = toHttpRequest(raw);
    // built on first use and kept while the process lives, like a warm function instance
    api ??= createUsersApi({ users: ports.users, objectUrls: ports.objectUrls, clock: ports.clock, ids: ports.ids, logger: ports.logger.child({ function: 'users' }) }, ports.settings.users);
    return toNodeResponse(await api(request));
  };
}
