import { CheckResult } from '@cicd-security/plugin-cicd-security-common';
import { Button } from '@material-ui/core';

/** A "Waive" button for a failing or warning check. */
export function WaiveButton({
  check,
  onWaive,
  size = 'medium',
}: {
  check: CheckResult;
  onWaive(check: CheckResult): void;
  size?: 'small' | 'medium';
}) {
  return (
    <Button
      size={size}
      variant="outlined"
      onClick={() => onWaive(check)}
      aria-label={`Waive: ${check.title}`}
      data-testid={`waive-${check.checkId}`}
    >
      Waive
    </Button>
  );
}
