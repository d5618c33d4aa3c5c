export {
  GradeBadge,
  SeverityChip,
  CheckStatusChip,
  ScorecardStateChip,
  CategoryScores,
  GradeSpread,
} from './ScoreDisplay';
