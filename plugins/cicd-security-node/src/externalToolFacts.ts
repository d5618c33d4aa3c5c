import { z } from 'zod';

const severity = z.enum(['critical', 'high', 'medium', 'low']);

/**
 * Facts from the code-analysis and vulnerability tools an organisation
 * already runs (SonarQube / SonarCloud, Snyk), read by optional backend
 * modules that are off unless configured. Tokens stay in the backend.
 */
export const externalToolFactDefinitions = {
  'sonarqube.qualityGate': {
    description:
      "The SonarQube or SonarCloud project's quality gate (`GET {baseUrl}/api/qualitygates/project_status?projectKey=…`: `projectStatus.status` OK, WARN, ERROR or NONE, and its conditions) and its open issue counts (`GET {baseUrl}/api/issues/search`, by type), for the project key of the `sonarqube.org/project-key` annotation.",
    source: 'SonarQube Web API',
    schema: z.object({
      projectKey: z.string(),
      status: z.enum(['OK', 'WARN', 'ERROR', 'NONE']),
      conditions: z.array(
        z.object({
          metricKey: z.string(),
          status: z.string(),
          comparator: z.string().optional(),
          errorThreshold: z.string().optional(),
          actualValue: z.string().optional(),
        }),
      ),
      /** The project's dashboard, for links. */
      url: z.string().optional(),
      /** Open issues by type (BUG, VULNERABILITY, CODE_SMELL) and open security hotspots. */
      openIssues: z.record(z.string(), z.number().int().min(0)).optional(),
    }),
  },
  'snyk.issues': {
    description:
      "Open Snyk issues of the component's Snyk projects (annotations `snyk.io/org-id` with `snyk.io/target-id` or `snyk.io/project-ids`), from the Snyk REST API: per issue its Snyk id, title, severity, package and version, fixed versions, CVE and GHSA ids and link.",
    source: 'Snyk REST API',
    schema: z.object({
      projects: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          url: z.string().optional(),
        }),
      ),
      issues: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          severity,
          packageName: z.string(),
          version: z.string(),
          /** OSV spelling when known (npm, PyPI, Maven…). */
          ecosystem: z.string().optional(),
          fixedIn: z.array(z.string()).optional(),
          cves: z.array(z.string()).optional(),
          ghsas: z.array(z.string()).optional(),
          url: z.string().optional(),
          /** The Snyk project (target file) the issue was found in. */
          project: z.string().optional(),
        }),
      ),
      /** More issues than were read (a page limit). */
      truncated: z.boolean().optional(),
    }),
  },
} as const;
