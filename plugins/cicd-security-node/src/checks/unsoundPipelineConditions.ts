import { isScalar } from 'yaml';
import {
  actionPaths,
  findExpressions,
  getWorkflows,
  Workflow,
  workflowPaths,
} from '../parsers/githubActions';
import { LocatedString } from '../parsers/yaml';
import { CheckFinding, createScorecardCheck, outcome } from './types';
import {
  at,
  rangeInExpression,
  stripStrings,
  workflowExpressions,
} from '../analysis/githubActions';

/** Contexts an outsider can choose (branch names, event payloads). */
const CONTROLLABLE_RE =
  /^github\.(head_ref|ref|ref_name|base_ref|event\.|actor|triggering_actor)/;

/** `contains('literal string', context)`: a substring test, not a list membership test. */
const CONTAINS_RE =
  /\bcontains\s*\(\s*('(?:[^']|'')*')\s*,\s*([A-Za-z_][A-Za-z0-9_.\-*]*(?:\[\s*'[^']*'\s*\])*)\s*\)/gi;
/** `cond && <falsy> || x` always yields x. */
const TERNARY_RE = /&&\s*(''|false|0|null)\s*\|\|/gi;

/** The fixed condition for an always-true `if:` value, when it is mechanical. */
function fixedCondition(value: string): string | undefined {
  const spans = findExpressions(value);
  if (
    spans.length === 1 &&
    value.trim() === value.slice(spans[0].start, spans[0].end)
  ) {
    return `\${{ ${spans[0].inner} }}`;
  }
  let out = '';
  let last = 0;
  for (const s of spans) {
    out += `${value.slice(last, s.start)}(${s.inner})`;
    last = s.end;
  }
  out += value.slice(last);
  out = out.trim().replace(/\s+/g, ' ');
  return out ? `\${{ ${out} }}` : undefined;
}

/** Whether an `if:` value mixes `${{ }}` with other text (a non-empty string is truthy). */
function alwaysTrue(v: LocatedString): boolean {
  const spans = findExpressions(v.value);
  if (spans.length === 0) return false;
  return !(
    spans.length === 1 &&
    spans[0].start === 0 &&
    spans[0].end === v.value.length
  );
}

/** Structural errors GitHub rejects when loading a workflow. */
function schemaErrors(wf: Workflow): CheckFinding[] {
  const out: CheckFinding[] = [];
  for (const job of wf.jobs) {
    if (wf.kind === 'workflow' && !job.uses && !job.runsOnRange) {
      out.push({
        ...at(wf, job.idRange),
        message: `job "${job.id}" has neither runs-on nor uses, so GitHub rejects the workflow`,
        fingerprintKey: `${job.id}:no-runs-on`,
      });
    }
    for (const step of job.steps) {
      if (step.uses && step.run) {
        out.push({
          ...at(wf, step.run.range),
          message: `step ${step.index} of "${job.id}" has both uses and run, so GitHub rejects the workflow`,
          fingerprintKey: `${job.id}[${step.index}]:uses-and-run`,
        });
      } else if (!step.uses && !step.run) {
        const hasKeys = step.node.items.some(
          i => isScalar(i.key) && ['uses', 'run'].includes(String(i.key.value)),
        );
        if (hasKeys) continue; // present but not scalars: reported by YAML checks
        out.push({
          ...at(wf, wf.file.rangeOf(step.node)),
          message: `step ${step.index} of "${job.id}" has neither uses nor run, so GitHub rejects the workflow`,
          fingerprintKey: `${job.id}[${step.index}]:no-uses-or-run`,
        });
      }
    }
  }
  return out;
}

/**
 * Conditions that do not mean what they say: an `if:` that mixes `${{ }}` with
 * other text is a non-empty string and always true; `contains('a b', x)` is a
 * substring test any value inside the string passes; `c && '' || x` always
 * yields x. Invalid workflow files are reported too, since GitHub runs none of them.
 */
export const unsoundPipelineConditions = createScorecardCheck({
  id: 'unsound-pipeline-conditions',
  title: 'Pipeline definitions valid & conditions sound',
  description:
    "Workflow files are valid YAML with the structure GitHub expects, and if: conditions are sound: no text outside ${{ }} (always true), no contains() on a string literal, no && '' || ternary.",
  category: 'code-quality',
  severity: 'high',
  platforms: ['github-actions'],
  frameworks: [
    { framework: 'zizmor', control: 'unsound-condition' },
    { framework: 'zizmor', control: 'unsound-contains' },
    { framework: 'poutine', control: 'if_always_true' },
  ],
  remediationUrl:
    'https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/using-conditions-to-control-job-execution',
  run(snapshot) {
    const workflowFiles = new Set(workflowPaths(snapshot));
    const paths = new Set([...workflowFiles, ...actionPaths(snapshot)]);
    if (paths.size === 0)
      return outcome.notApplicable('no GitHub Actions workflow or action');
    const workflows = getWorkflows(snapshot);
    const findings: CheckFinding[] = [];
    const seen = new Set<string>();
    for (const p of snapshot.problems) {
      if (p.kind !== 'parse-error' || !paths.has(p.file)) continue;
      const key = `${p.file}:${p.line}:${p.column}:${p.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // An action.yml that is not a mapping is someone else's file format.
      if (
        !workflowFiles.has(p.file) &&
        /^expected a mapping at the top level/.test(p.message)
      )
        continue;
      findings.push({
        file: p.file,
        line: p.line ?? 1,
        column: p.column ?? 1,
        message: `invalid workflow file: ${p.message}`,
        fingerprintKey: `parse:${p.message}`,
        severity: 'high',
      });
    }
    let conditions = 0;
    for (const wf of workflows) {
      findings.push(...schemaErrors(wf));
      const checkedIfs = new Set<LocatedString['node']>();
      for (const e of workflowExpressions(wf)) {
        if (e.isCondition && !checkedIfs.has(e.value.node)) {
          checkedIfs.add(e.value.node);
          conditions++;
          if (alwaysTrue(e.value)) {
            const fixed = fixedCondition(e.value.value);
            findings.push({
              ...at(wf, e.value.range),
              message: `this if: condition mixes \${{ }} with other text${
                /\n/.test(e.value.value)
                  ? ' (a block scalar keeps its newline)'
                  : ''
              }, so it is a non-empty string and always true`,
              fingerprintKey: `${e.job?.id ?? ''}:always-true:${e.value.value}`,
              suggestedFix: {
                description:
                  'Put the whole condition inside one `${{ }}`, on one line',
                replacement: fixed,
              },
            });
          }
        }
        const text = stripStrings(e.inner, /contains\s*\(\s*$/);
        CONTAINS_RE.lastIndex = 0;
        let m: RegExpExecArray | null;
        while ((m = CONTAINS_RE.exec(text))) {
          const literal = m[1].slice(1, -1);
          const ref = m[2].replace(/\[\s*'([^']*)'\s*\]/g, '.$1');
          findings.push({
            ...at(wf, rangeInExpression(wf, e, m.index, m[0].length)),
            message: `\`${m[0]}\` tests whether ${ref} is a substring of '${literal}', not whether it is one of its words: values such as a prefix of any word pass`,
            severity: CONTROLLABLE_RE.test(ref) ? 'high' : 'medium',
            fingerprintKey: `${e.job?.id ?? ''}:contains:${m[0]}`,
            suggestedFix: {
              description: 'Test list membership on a real array',
              replacement: `contains(fromJSON('[${literal
                .split(/[\s,;|]+/)
                .filter(Boolean)
                .map(w => `"${w}"`)
                .join(', ')}]'), ${m[2]})`,
            },
          });
        }
        TERNARY_RE.lastIndex = 0;
        while ((m = TERNARY_RE.exec(text))) {
          findings.push({
            ...at(wf, rangeInExpression(wf, e, m.index, m[0].length)),
            message: `\`&& ${m[1]} ||\` in \`${e.inner}\`: the middle value is falsy, so this "ternary" always yields its last operand`,
            fingerprintKey: `${e.job?.id ?? ''}:ternary:${e.inner}`,
            suggestedFix: {
              description:
                "Invert the condition so the falsy value comes last: `!cond && x || ''`",
            },
          });
        }
      }
    }
    const scored = conditions + workflows.length;
    const bad = new Set(findings.map(f => `${f.file}:${f.line}`)).size;
    return outcome.proportional(Math.max(scored, bad), findings, bad);
  },
});
