import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { LineIndex } from '../text/lineIndex';
import { errorMessage, objectOf } from './model';
import { LockfileInput } from './manifests';

/** Rounds of `${property}` substitution (properties may name properties). */
const MAX_SUBSTITUTIONS = 10;
/** Length a substituted version may grow to (against expansion bombs). */
const MAX_VERSION_LENGTH = 256;

const META = XMLParser.getMetaDataSymbol() as unknown as string;

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return String(value);
  const o = objectOf(value);
  const t = o?.['#text'];
  return typeof t === 'string' ? t.trim() : undefined;
}

function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === '' ? [] : [value];
}

/** `${name}` references replaced from `props`, up to a fixed number of rounds. */
export function substitute(value: string, props: Map<string, string>): string {
  let v = value;
  if (v.length > MAX_VERSION_LENGTH) return v;
  for (let round = 0; round < MAX_SUBSTITUTIONS && v.includes('${'); round++) {
    const next = v.replace(
      /\$\{([^}$]*)\}/g,
      (whole, name: string) => props.get(name) ?? whole,
    );
    if (next === v || next.length > MAX_VERSION_LENGTH) break;
    v = next;
  }
  return v;
}

/** A version that names one release, not a range or an unresolved property. */
function isExactMaven(version: string): boolean {
  return (
    !!version &&
    !version.includes('${') &&
    !/^[[(]/.test(version) &&
    !version.includes(',')
  );
}

/**
 * Maven pom.xml: the dependencies it declares (`<dependencies>`; versions
 * from `<dependencyManagement>` when left out), with `${property}` versions
 * resolved from `<properties>` and the project's own coordinates. A version
 * still unresolved (a parent's property, a BOM) is a declared spec.
 * Test-scoped dependencies are development dependencies.
 */
export function parsePom({ text: xml, out }: LockfileInput): void {
  let doc: Record<string, unknown> | undefined;
  try {
    // The parser accepts unclosed tags; the validator locates them.
    const valid = XMLValidator.validate(xml);
    if (valid !== true) {
      const { msg, line, col } = valid.err;
      out.problem(`not valid XML: ${msg}`, line, col);
      return;
    }
    const parser = new XMLParser({
      ignoreAttributes: true,
      processEntities: false,
      htmlEntities: false,
      parseTagValue: false,
      ignoreDeclaration: true,
      ignorePiTags: true,
      captureMetaData: true,
      isArray: name => name === 'dependency',
    });
    doc = objectOf(parser.parse(xml));
  } catch (e) {
    out.problem(`not valid XML: ${errorMessage(e)}`);
    return;
  }
  const project = objectOf(doc?.project);
  if (!project) {
    out.problem('no <project> element');
    return;
  }
  const parent = objectOf(project.parent);
  const props = new Map<string, string>();
  for (const [k, v] of Object.entries(objectOf(project.properties) ?? {})) {
    const t = text(v);
    if (t !== undefined && t.length <= MAX_VERSION_LENGTH) props.set(k, t);
  }
  const own = (field: string) => text(project[field]) ?? text(parent?.[field]);
  for (const field of ['version', 'groupId', 'artifactId']) {
    const v = own(field);
    if (v === undefined) continue;
    props.set(`project.${field}`, v);
    props.set(`pom.${field}`, v);
  }
  const parentVersion = text(parent?.version);
  if (parentVersion) props.set('project.parent.version', parentVersion);

  const managed = new Map<string, string>();
  const management = objectOf(
    objectOf(project.dependencyManagement)?.dependencies,
  );
  for (const d of listOf(management?.dependency)) {
    const dep = objectOf(d);
    const key = `${text(dep?.groupId)}:${text(dep?.artifactId)}`;
    const version = text(dep?.version);
    if (version !== undefined && !managed.has(key)) managed.set(key, version);
  }

  const lines = new LineIndex(xml);
  const deps = objectOf(project.dependencies);
  for (const d of listOf(deps?.dependency)) {
    const dep = objectOf(d);
    const groupId = substitute(text(dep?.groupId) ?? '', props);
    const artifactId = substitute(text(dep?.artifactId) ?? '', props);
    if (!dep || !groupId || !artifactId) continue;
    const declared =
      text(dep.version) ?? managed.get(`${groupId}:${artifactId}`) ?? '';
    const version = substitute(declared, props);
    const meta = (dep as Record<string, unknown>)[META] as
      | { startIndex?: number }
      | undefined;
    const added = out.add({
      ecosystem: 'Maven',
      name: `${groupId}:${artifactId}`,
      version,
      exact: isExactMaven(version),
      direct: true,
      dev: text(dep.scope) === 'test',
      line:
        meta?.startIndex === undefined ? 1 : lines.pos(meta.startIndex).line,
    });
    if (!added) return;
  }
}
