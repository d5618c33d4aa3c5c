export * from './model';
export { parseWorkflow, guessKind } from './parseWorkflow';
export type { ParseWorkflowResult } from './parseWorkflow';
export { getWorkflows, workflowPaths, actionPaths } from './workflows';
export { findExpressions, contextReferences } from './expressions';
export type { ExpressionSpan } from './expressions';
export {
  ATTACKER_CONTROLLED_CONTEXTS,
  attackerControlledReferences,
  expressionContexts,
  isAttackerControlled,
  normaliseIndexes,
} from './contexts';
export {
  PRIVILEGED_TRIGGERS,
  RISKY_PERMISSION_TRIGGERS,
  UNTRUSTED_CHECKOUT_TRIGGERS,
  triggersIn,
} from './triggers';
export {
  parseExpression,
  accessedPaths,
  ExpressionSyntaxError,
} from './expressionParser';
export type { ExpressionNode } from './expressionParser';
export {
  possibleValues,
  expressionValues,
  templateValues,
  expandMatrix,
  matrixContext,
  valuesAcrossMatrix,
  truthy,
  valueToString,
  MAX_VALUES,
  MAX_COMBINATIONS,
} from './evaluate';
export type {
  ExprValue,
  PossibleValues,
  EvalContext,
  MatrixCombination,
  MatrixExpansion,
} from './evaluate';
export {
  classifyRunner,
  classifyRunnerLabel,
  MANAGED_RUNNER_SERVICES,
} from './runners';
export type { RunnerClass, RunnerKind } from './runners';
export {
  CODE_SINK_INPUTS,
  codeSinkInputs,
  envReference,
  runLanguage,
} from './codeSinks';
export type { CodeLanguage, CodeSinkInput } from './codeSinks';
export { TAINTED_OUTPUT_ACTIONS, isTaintedOutput } from './taintedOutputs';
export type { TaintedOutputs } from './taintedOutputs';
