export {
  BarChart,
  HeatCell,
  TrendChart,
  VisuallyHidden,
  describeTrend,
  scoreColor,
} from './Charts';
export type { Bar, TrendPoint } from './Charts';
