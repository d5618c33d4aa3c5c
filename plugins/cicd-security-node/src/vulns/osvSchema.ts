import { z } from 'zod';

/**
 * The OSV record format (https://ossf.github.io/osv-schema/), as far as
 * matching needs it.
 *
 * Lenient where the format is: unknown fields are kept (passthrough),
 * optional fields may also be `null`, unknown range and severity types are
 * accepted (the matcher ignores them). Strict where matching reads: every
 * field it uses has the type it expects, and each range event holds exactly
 * one of `introduced`, `fixed`, `last_affected`, `limit`, as the format
 * requires, so a record that passes cannot make the matcher throw.
 */

/** An optional field that may also be `null` in the JSON (read as absent). */
const optional = <T extends z.ZodTypeAny>(schema: T) =>
  schema.nullish().transform(v => v ?? undefined);

/** A JSON object with fields defined by a database or ecosystem. */
const openObject = z.object({}).passthrough();

/** Longest id, ecosystem or package name accepted. */
export const MAX_OSV_NAME_LENGTH = 1024;

const EVENT_KINDS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;
export type OsvEventKind = (typeof EVENT_KINDS)[number];

export const osvEventSchema = z
  .object({
    introduced: z.string().optional(),
    fixed: z.string().optional(),
    last_affected: z.string().optional(),
    limit: z.string().optional(),
  })
  .passthrough()
  .superRefine((event, ctx) => {
    const kinds = EVENT_KINDS.filter(k => event[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `an event must have exactly one of ${EVENT_KINDS.join(
          ', ',
        )} (has ${kinds.length ? kinds.join(', ') : 'none'})`,
      });
    }
  });

export const osvRangeSchema = z
  .object({
    /** `SEMVER`, `ECOSYSTEM` or `GIT`; other types are kept and ignored. */
    type: z.string(),
    repo: optional(z.string()),
    events: z.array(osvEventSchema),
    database_specific: optional(openObject),
  })
  .passthrough();

export const osvSeveritySchema = z
  .object({
    /** `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`, or a later type. */
    type: z.string(),
    score: z.string(),
  })
  .passthrough();

export const osvPackageSchema = z
  .object({
    ecosystem: z.string().max(MAX_OSV_NAME_LENGTH),
    name: z.string().max(MAX_OSV_NAME_LENGTH),
    purl: optional(z.string()),
  })
  .passthrough();

export const osvAffectedSchema = z
  .object({
    /** Absent for entries that only name a Git repository. */
    package: optional(osvPackageSchema),
    severity: optional(z.array(osvSeveritySchema)),
    ranges: optional(z.array(osvRangeSchema)),
    versions: optional(z.array(z.string())),
    ecosystem_specific: optional(openObject),
    database_specific: optional(openObject),
  })
  .passthrough();

export const osvReferenceSchema = z
  .object({
    /** `ADVISORY`, `ARTICLE`, `FIX`, `PACKAGE`, `REPORT`, `WEB`, … */
    type: optional(z.string()),
    url: optional(z.string()),
  })
  .passthrough();

export const osvRecordSchema = z
  .object({
    schema_version: optional(z.string()),
    id: z.string().min(1).max(MAX_OSV_NAME_LENGTH),
    /** RFC 3339 time of the last change. */
    modified: z.string(),
    published: optional(z.string()),
    /** Present when the record was withdrawn: it then affects nothing. */
    withdrawn: optional(z.string()),
    aliases: optional(z.array(z.string())),
    related: optional(z.array(z.string())),
    upstream: optional(z.array(z.string())),
    summary: optional(z.string()),
    details: optional(z.string()),
    severity: optional(z.array(osvSeveritySchema)),
    affected: optional(z.array(osvAffectedSchema)),
    references: optional(z.array(osvReferenceSchema)),
    credits: optional(z.array(openObject)),
    /** GHSA records put their rating here: `{ "severity": "MODERATE" }`. */
    database_specific: optional(openObject),
  })
  .passthrough();

export type OsvEvent = z.infer<typeof osvEventSchema>;
export type OsvRange = z.infer<typeof osvRangeSchema>;
export type OsvSeverity = z.infer<typeof osvSeveritySchema>;
export type OsvAffected = z.infer<typeof osvAffectedSchema>;
export type OsvReference = z.infer<typeof osvReferenceSchema>;
export type OsvRecord = z.infer<typeof osvRecordSchema>;

/** The kind and version of a valid event. */
export function eventOf(event: OsvEvent): {
  kind: OsvEventKind;
  version: string;
} {
  for (const kind of EVENT_KINDS) {
    const version = event[kind];
    if (version !== undefined) return { kind, version };
  }
  // unreachable for events that passed the schema
  return { kind: 'limit', version: '*' };
}

/** Validates a parsed JSON value as an OSV record; the error names the first bad field. */
export function parseOsvRecord(
  value: unknown,
): { record: OsvRecord } | { error: string } {
  const result = osvRecordSchema.safeParse(value);
  if (result.success) return { record: result.data };
  const issue = result.error.issues[0];
  const where = issue.path.length ? issue.path.join('.') : 'record';
  return { error: `${where}: ${issue.message}` };
}
