import { Link } from '@backstage/core-components';
import {
  ComplianceResponse,
  ControlStatus,
} from '@cicd-security/plugin-cicd-security-common';
import {
  Box,
  Chip,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { checkGuideRouteRef } from '../../routes';
import { checkGuidePath, useOptionalRouteRef } from '../../utils';

export const CONTROL_STATUS_LABEL: Record<ControlStatus, string> = {
  met: 'Met',
  'not-met': 'Not met',
  'partially-met': 'Partially met',
  'not-assessed': 'Not assessed',
};

const STATUS_STYLE: Record<ControlStatus, object | undefined> = {
  met: { backgroundColor: '#2e7d32', color: '#fff' },
  'not-met': { backgroundColor: '#c62828', color: '#fff' },
  'partially-met': { backgroundColor: '#ef6c00', color: '#fff' },
  'not-assessed': undefined,
};

export function ControlStatusChip(props: { status: ControlStatus }) {
  return (
    <Chip
      size="small"
      label={CONTROL_STATUS_LABEL[props.status]}
      style={STATUS_STYLE[props.status]}
    />
  );
}

/** The summary chips: how many controls are in each status. */
export function ControlSummary(props: { view: ComplianceResponse }) {
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 8 }} my={1}>
      {(Object.keys(CONTROL_STATUS_LABEL) as ControlStatus[]).map(s => (
        <Chip
          key={s}
          size="small"
          variant="outlined"
          label={`${props.view.summary[s]} ${CONTROL_STATUS_LABEL[
            s
          ].toLocaleLowerCase('en-US')}`}
        />
      ))}
    </Box>
  );
}

/**
 * Per control: its status chip, the checks that evidence it (linked to their
 * guides) with their status and open findings, the waivers affecting it,
 * and, for many components, how many are in each status.
 */
export function ControlsTable(props: { view: ComplianceResponse }) {
  const resolveGuide = useOptionalRouteRef(checkGuideRouteRef);
  const many = props.view.scope.type !== 'entity';
  return (
    <Table size="small" aria-label="Controls">
      <TableHead>
        <TableRow>
          <TableCell style={{ width: '28%' }}>Control</TableCell>
          <TableCell style={{ width: '18%' }}>Status</TableCell>
          <TableCell>Evidence</TableCell>
          {many && <TableCell style={{ width: '14%' }}>Components</TableCell>}
        </TableRow>
      </TableHead>
      <TableBody>
        {props.view.controls.map(c => (
          <TableRow key={c.controlId} data-testid={`control-${c.controlId}`}>
            <TableCell>
              <Typography variant="body2">
                <strong>{c.controlId}</strong> {c.title}
              </Typography>
            </TableCell>
            <TableCell>
              <ControlStatusChip status={c.status} />
              {c.reason && (
                <Typography variant="caption" display="block">
                  {c.reason}
                </Typography>
              )}
            </TableCell>
            <TableCell>
              {c.evidence.length === 0 && (
                <Typography variant="body2" color="textSecondary">
                  No check evidences it
                </Typography>
              )}
              {c.evidence.map(e => (
                <Typography variant="body2" key={e.checkId}>
                  <Link to={checkGuidePath(resolveGuide, e.checkId)}>
                    {e.checkId}
                  </Link>{' '}
                  {e.status}
                  {e.findings
                    ? `, ${e.findings} open ${
                        e.findings === 1 ? 'finding' : 'findings'
                      }`
                    : ''}
                  {e.waiver ? ` (waived: ${e.waiver.reason})` : ''}
                </Typography>
              ))}
            </TableCell>
            {many && (
              <TableCell>
                {c.entities && (
                  <Typography variant="body2">
                    {c.entities.met} met, {c.entities['not-met']} not met
                    {c.entities['partially-met']
                      ? `, ${c.entities['partially-met']} partially`
                      : ''}
                    {c.entities['not-assessed']
                      ? `, ${c.entities['not-assessed']} not assessed`
                      : ''}
                  </Typography>
                )}
              </TableCell>
            )}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
