import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityPolicyResult } from '@cicd-security/plugin-cicd-security-common';
import { Box, Chip, Typography } from '@material-ui/core';
import CheckCircle from '@material-ui/icons/CheckCircle';
import Cancel from '@material-ui/icons/Cancel';
import RemoveCircleOutline from '@material-ui/icons/RemoveCircleOutline';
import useAsync from 'react-use/esm/useAsync';
import { cicdSecurityApiRef } from '../../api';
import { takePrefetched } from '../prefetch';

const STATUS_LABEL: Record<EntityPolicyResult['status'], string> = {
  'in-policy': 'In policy',
  'out-of-policy': 'Out of policy',
  'not-evaluated': 'Not evaluated',
};

const STATUS_STYLE: Record<EntityPolicyResult['status'], object | undefined> = {
  'in-policy': { backgroundColor: '#2e7d32', color: '#fff' },
  'out-of-policy': { backgroundColor: '#c62828', color: '#fff' },
  'not-evaluated': undefined,
};

/**
 * The Security tab's card "This component must meet: …": the organisation's
 * policies that apply to the component, each requirement met or not. Shows
 * nothing when no policy applies.
 */
export function EntityPoliciesCard(props: { entityRef: string }) {
  const api = useApi(cicdSecurityApiRef);
  const { value, loading, error } = useAsync(
    () => takePrefetched(api, 'getEntityPolicies', props.entityRef),
    [api, props.entityRef],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value || value.items.length === 0) return null;
  const names = value.items.map(p => p.policy).join(', ');
  return (
    <InfoCard title={`This component must meet: ${names}`}>
      {value.items.map(p => (
        <Box key={p.policy} mb={2}>
          <Box display="flex" alignItems="center" style={{ gap: 8 }}>
            <Typography variant="subtitle1">{p.policy}</Typography>
            <Chip
              size="small"
              label={STATUS_LABEL[p.status]}
              style={STATUS_STYLE[p.status]}
            />
          </Box>
          {p.status === 'not-evaluated' && (
            <Typography variant="body2" color="textSecondary">
              Not evaluated: {p.reason}
            </Typography>
          )}
          {p.requirements.map(r => (
            <Box
              key={r.requirement}
              display="flex"
              alignItems="center"
              style={{ gap: 6 }}
            >
              {p.status === 'not-evaluated' ? (
                <RemoveCircleOutline fontSize="small" color="disabled" />
              ) : r.met ? (
                <CheckCircle
                  fontSize="small"
                  style={{ color: '#2e7d32' }}
                  titleAccess="met"
                />
              ) : (
                <Cancel
                  fontSize="small"
                  style={{ color: '#c62828' }}
                  titleAccess="not met"
                />
              )}
              <Typography variant="body2">
                {r.requirement}
                {p.status !== 'not-evaluated' && ` — ${r.detail}`}
                {r.waived ? ' (passing with a waiver)' : ''}
              </Typography>
            </Box>
          ))}
        </Box>
      ))}
    </InfoCard>
  );
}
