import path from 'path';
import { LocalDirectorySnapshot } from '../../snapshot';
import { readPackageInventory } from './inventory';

describe('package inventory of a repository with several ecosystems', () => {
  it('lists every package of every lockfile and manifest', () => {
    const snapshot = LocalDirectorySnapshot.create(
      path.join(__dirname, '__fixtures__', 'multi-ecosystem'),
    );
    const inventory = readPackageInventory(snapshot);
    const listing = inventory.packages
      .map(
        p =>
          `${p.ecosystem} ${p.name}@${p.version} ${
            p.direct === undefined
              ? 'unknown'
              : p.direct
              ? 'direct'
              : 'transitive'
          } ${p.file}:${p.line}`,
      )
      .join('\n');
    expect(listing).toMatchInlineSnapshot(`
      "Go github.com/gorilla/mux@v1.8.1 direct api/go.mod:6
      Go golang.org/x/sys@v0.18.0 transitive api/go.mod:7
      PyPI flask@3.0.3 direct api/requirements.txt:2
      PyPI requests@>=2.31 direct api/requirements.txt:3
      PyPI urllib3@2.2.1 direct shared/constraints.in:1
      crates.io itoa@1.0.11 direct crates/Cargo.lock:5
      NuGet Serilog@3.1.1 direct dotnet/packages.lock.json:5
      Maven org.apache.logging.log4j:log4j-core@2.23.1 direct java/pom.xml:11
      npm express@4.19.2 direct package-lock.json:15
      npm qs@6.11.0 transitive package-lock.json:22
      npm typescript@5.4.5 direct package-lock.json:26
      Packagist guzzlehttp/guzzle@7.8.1 unknown php/composer.lock:5
      RubyGems rack@3.0.10 transitive ruby/Gemfile.lock:4
      RubyGems sinatra@4.0.0 direct ruby/Gemfile.lock:5
      npm js-tokens@4.0.0 transitive web/yarn.lock:5
      npm loose-envify@1.4.0 transitive web/yarn.lock:9
      npm react@18.2.0 direct web/yarn.lock:15"
    `);
    expect(inventory.files).toMatchInlineSnapshot(`
      [
        "api/go.mod",
        "api/go.sum",
        "api/requirements.txt",
        "crates/Cargo.lock",
        "dotnet/packages.lock.json",
        "java/pom.xml",
        "package-lock.json",
        "php/composer.lock",
        "ruby/Gemfile.lock",
        "shared/constraints.in",
        "web/yarn.lock",
      ]
    `);
    expect(inventory.problems).toEqual([]);
  });
});
