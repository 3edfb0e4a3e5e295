/** The migration lifecycle: sample, verify, approve, reconcile, delta, rollback, handoff. */
export { requireApprovedSample, approveSample, mappingHash, currentApproval } from './approval.ts';
export { reconcileObject, runReconcile, type ReconciliationRow, type ReconcileContext } from './reconcile.ts';
export { runSample, pickSample, DEFAULT_SAMPLE_SIZE } from './sample.ts';
export { runVerify, type FieldDiff, type VerifyResult } from './verify.ts';
export { runDelta } from './delta.ts';
export { runRollback } from './rollback.ts';
export { runHandoff } from './handoff.ts';
