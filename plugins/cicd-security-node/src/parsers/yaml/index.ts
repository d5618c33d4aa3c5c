export * from './parseYaml';
export * from '../problems';
