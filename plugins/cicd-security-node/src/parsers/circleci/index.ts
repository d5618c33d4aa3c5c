export {
  parseCircleci,
  getCircleciConfigs,
  circleciPaths,
} from './parseCircleci';
export type { CircleciConfig } from './parseCircleci';
