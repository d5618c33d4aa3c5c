import schema from './evidence.schema.json';

/**
 * The JSON Schema (draft 2020-12) of evidence documents, also published as
 * `docs/schemas/evidence.schema.json` in the repository.
 */
export const evidenceSchema: Record<string, unknown> = schema;
