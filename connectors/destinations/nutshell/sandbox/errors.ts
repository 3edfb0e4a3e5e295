/** JSON-RPC error objects as the reference records them (section 5.1); HTTP status rides along. */
export class RpcError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const authError = () => new RpcError(401, 401, 'API key not found');
export const methodNotFound = () => new RpcError(404, -32601, 'Method not found');
export const staleRev = () => new RpcError(409, 409, 'rev key is out-of-date');
export const parseError = () => new RpcError(400, -32700, 'Parse error');
export const invalidRequest = (why: string) => new RpcError(400, -32600, `Invalid Request: ${why}`);
export const invalidParams = (why: string) => new RpcError(400, -32602, `Invalid params: ${why}`);
/** Unknown id: the emulator's choice among the observed behaviours (see README). */
export const notFound = (entityType: string, id: unknown) => new RpcError(404, 404, `${entityType.replace(/s$/, '')} ${String(id)} not found`);
/** Validation failures: code and status are the emulator's choice (see README). */
export const invalid = (message: string) => new RpcError(400, 400, message);
