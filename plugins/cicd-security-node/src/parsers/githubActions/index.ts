export * from './model';
export { parseWorkflow, guessKind } from './parseWorkflow';
export type { ParseWorkflowResult } from './parseWorkflow';
export { getWorkflows, workflowPaths, actionPaths } from './workflows';
export { findExpressions, contextReferences } from './expressions';
export type { ExpressionSpan } from './expressions';
