export {
  GradeBadge,
  SeverityChip,
  CheckStatusChip,
  ScorecardStateChip,
  factsDelayed,
  CategoryScores,
  GradeSpread,
} from './ScoreDisplay';
