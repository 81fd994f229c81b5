/**
 * Warehouse failures, classified at the adapter boundary: unreachable or locked is transient (the
 * next run recovers); a bad URL, refused credentials, a missing privilege or a missing optional
 * driver is config (the fix is in the hint); anything else from the engine is internal with the
 * engine's message (redacted of the connection string, never carrying a password or key).
 */
import { AppError, type ErrorKind } from '../core/index.js';

export type WarehouseErrorCode =
  | 'warehouse.unreachable'
  | 'warehouse.locked'
  | 'warehouse.config'
  | 'warehouse.auth'
  | 'warehouse.privilege'
  | 'warehouse.driver_missing'
  | 'warehouse.query'
  | 'warehouse.migration'
  | 'warehouse.disk_full'
  | 'warehouse.out_of_memory'
  | 'warehouse.unsupported';

export class WarehouseError extends AppError {
  declare readonly code: WarehouseErrorCode;
  constructor(code: WarehouseErrorCode, message: string, kind: ErrorKind, hint?: string, cause?: unknown) {
    super(message, { code, kind, hint, cause });
  }
}
