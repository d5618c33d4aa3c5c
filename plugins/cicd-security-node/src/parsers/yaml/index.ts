export * from './parseYaml';
