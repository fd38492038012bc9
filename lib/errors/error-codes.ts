/**
 * Every stable error code dspex throws. A released code is never renamed or reused:
 * users branch on these strings (`error.code === 'LM_TIMEOUT'`).
 */
export const ERROR_CODES = [
  'SIGNATURE_INVALID',
  'DECORATOR_MISUSE',
  'PARAMETER_INVALID',
  'PARAMETER_NOT_FOUND',
  'INPUT_INVALID',
  'STATE_INVALID',
  'ADAPTER_PARSE',
  'OUTPUT_INVALID',
  'CONFIGURATION_INVALID',
  'LM_NOT_CONFIGURED',
  'LM_HTTP',
  'LM_TIMEOUT',
  'LM_RESPONSE_INVALID',
  'MODULE_CRASHED',
  'MODULE_EXIT',
  'CHILD_NOT_FOUND',
  'CHILD_EXISTS',
  'CHILD_SPEC_INVALID',
  'CHILD_STOPPED',
  'CHILD_OVERLOADED',
  'SUPERVISOR_STOPPED',
  'SUPERVISOR_ESCALATION',
  'HOT_SWAP_FAILED',
  'CHECKPOINT_CORRUPT',
  'TOOL_INVALID',
  'EVALUATION_FAILED',
  'OPTIMIZER_INVALID',
  'FILE_ACCESS_FAILED',
  'CLUSTER_UNAVAILABLE',
] as const;

/** A stable string that identifies a kind of dspex failure. */
export type DspexErrorCode = (typeof ERROR_CODES)[number];
