#!/usr/bin/env node
/* Runs a benchmark written in TypeScript from source: node bench/run.js [engine] */
require('@backstage/cli/config/nodeTransform.cjs');
const name = process.argv[2] || 'engine';
require(`./${name}.ts`);
