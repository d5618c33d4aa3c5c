export {
  parseAzurePipeline,
  getAzurePipelines,
  azurePipelinePaths,
} from './parseAzurePipelines';
export type { AzurePipeline, AzureScriptKind } from './parseAzurePipelines';
