import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  PolicyOverview,
  PolicyRequirementResult,
} from '@cicd-security/plugin-cicd-security-common';
import {
  Box,
  Chip,
  Grid,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { cicdSecurityApiRef } from '../../api';
import { checkGuideRouteRef } from '../../routes';
import { checkGuidePath, formatScore, useOptionalRouteRef } from '../../utils';
import { useSecurityTabLink } from './entityLinks';

/** A policy's selector in words: `lifecycle production, tags pci`. */
export function selectorText(select: PolicyOverview['select']): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(select)) {
    if (key === 'annotations') {
      parts.push(
        ...Object.entries(value as Record<string, string>).map(([k, v]) =>
          v === '*' ? `annotation ${k}` : `annotation ${k}=${v}`,
        ),
      );
    } else {
      parts.push(`${key} ${(value as string[]).join(' or ')}`);
    }
  }
  return parts.join(', ');
}

/** What to fix, with links to the guides of the checks named. */
export function FailedRequirements(props: {
  failed: PolicyRequirementResult[];
}) {
  const resolveGuide = useOptionalRouteRef(checkGuideRouteRef);
  return (
    <>
      {props.failed.map(r => (
        <Typography variant="body2" key={r.requirement}>
          <strong>{r.requirement}</strong>: {r.detail}
          {r.checkIds?.length ? ' (' : ''}
          {r.checkIds?.map((id, i) => (
            <span key={id}>
              {i > 0 ? ', ' : ''}
              <Link to={checkGuidePath(resolveGuide, id)}>guide</Link>
            </span>
          ))}
          {r.checkIds?.length ? ')' : ''}
        </Typography>
      ))}
    </>
  );
}

function PolicyCard(props: { policy: PolicyOverview }) {
  const { policy } = props;
  const securityTab = useSecurityTabLink();
  const { counts } = policy;
  return (
    <InfoCard
      title={policy.name}
      subheader={`Applies to components with ${selectorText(policy.select)}`}
    >
      {policy.description && (
        <Typography variant="body2" paragraph>
          {policy.description}
        </Typography>
      )}
      <Typography variant="body2">
        Must meet: {policy.requirements.join('; ')}
      </Typography>
      <Box my={1} display="flex" flexWrap="wrap" style={{ gap: 8 }}>
        <Chip size="small" label={`${counts.selected} selected`} />
        <Chip
          size="small"
          label={`${counts.inPolicy} in policy`}
          style={{ backgroundColor: '#2e7d32', color: '#fff' }}
        />
        <Chip
          size="small"
          label={`${counts.outOfPolicy} out of policy`}
          style={
            counts.outOfPolicy
              ? { backgroundColor: '#c62828', color: '#fff' }
              : undefined
          }
        />
        <Chip size="small" label={`${counts.notEvaluated} not evaluated`} />
      </Box>
      {policy.outOfPolicy.length === 0 ? (
        <Typography color="textSecondary">
          {counts.selected === 0
            ? 'No component you can see matches this policy.'
            : 'No component is out of this policy.'}
        </Typography>
      ) : (
        <Table size="small" aria-label={`Out of ${policy.name}`}>
          <TableHead>
            <TableRow>
              <TableCell>Component</TableCell>
              <TableCell>Owner</TableCell>
              <TableCell>Score</TableCell>
              <TableCell>What to fix</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {policy.outOfPolicy.map(e => (
              <TableRow key={e.entityRef}>
                <TableCell>
                  <Link to={securityTab(e.entityRef)}>{e.title ?? e.name}</Link>
                </TableCell>
                <TableCell>
                  {e.owner ? (
                    <EntityRefLink entityRef={e.owner} defaultKind="group" />
                  ) : (
                    '–'
                  )}
                </TableCell>
                <TableCell>
                  {formatScore(e.score)}
                  {e.grade ? ` (${e.grade})` : ''}
                </TableCell>
                <TableCell>
                  <FailedRequirements failed={e.failed} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}

/** The org page's Policies tab: per policy, the components out of it and what to fix. */
export function PoliciesTab() {
  const api = useApi(cicdSecurityApiRef);
  const { value, loading, error } = useAsync(() => api.getPolicies(), [api]);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value || value.items.length === 0) {
    return (
      <EmptyState
        missing="content"
        title="No policies"
        description="Policies are requirements that a class of components must meet, e.g. every production service at grade B or better. Define them in app-config under cicdSecurity.policies."
      />
    );
  }
  return (
    <Grid container spacing={3}>
      {value.items.map(p => (
        <Grid item xs={12} key={p.name}>
          <PolicyCard policy={p} />
        </Grid>
      ))}
    </Grid>
  );
}
