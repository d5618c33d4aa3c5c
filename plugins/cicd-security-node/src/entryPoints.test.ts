import fs from 'fs';
import path from 'path';

/**
 * The package's entry points: the engine (`.`), which the CLI loads, must
 * not load Backstage backend packages at run time; the extension points
 * (`./extensions`) may.
 */
function runtimeImports(entry: string): Set<string> {
  const bare = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = fs.readFileSync(file, 'utf8');
    const re =
      /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
    for (const m of text.matchAll(re)) {
      if (m[2]) continue; // `import type` is erased
      const spec = m[3];
      if (!spec.startsWith('.')) {
        bare.add(spec);
        continue;
      }
      const base = path.resolve(path.dirname(file), spec);
      const target = [`${base}.ts`, path.join(base, 'index.ts')].find(f =>
        fs.existsSync(f),
      );
      if (target) visit(target);
    }
  };
  visit(entry);
  return bare;
}

describe('entry points', () => {
  it('the engine loads no Backstage backend package', () => {
    const imports = [...runtimeImports(path.join(__dirname, 'index.ts'))];
    expect(imports.length).toBeGreaterThan(3);
    expect(imports.filter(s => s.startsWith('@backstage/'))).toEqual([]);
  });

  it('the extension points live in their own entry point', () => {
    const pkg = JSON.parse(
      fs.readFileSync(path.join(__dirname, '../package.json'), 'utf8'),
    );
    expect(pkg.exports['./extensions']).toBe('./src/extensions.ts');
    expect(runtimeImports(path.join(__dirname, 'extensions.ts'))).toContain(
      '@backstage/backend-plugin-api',
    );
  });
});
