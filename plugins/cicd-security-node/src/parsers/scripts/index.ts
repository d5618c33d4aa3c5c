export {
  getScriptBlocks,
  shellScriptPaths,
  yamlScriptBlock,
  sliceScriptBlock,
  joinScriptBlocks,
} from './scriptBlocks';
export type { ScriptBlock, ScriptPlatform } from './scriptBlocks';
export { getImageReferences, getEnvAssignments } from './references';
export type { ImageReference, EnvAssignment } from './references';
export {
  shellCommands,
  commandWords,
  programName,
  flattenContinuations,
  lineAround,
  scriptLocation,
} from './shell';
export type { ShellCommand, ShellWord } from './shell';
