import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Box,
  FormControl,
  InputLabel,
  MenuItem,
  Select,
  Typography,
} from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { cicdSecurityApiRef } from '../../api';
import { refName, useUrlState } from '../CicdSecurityPage/useUrlState';
import { ControlsTable, ControlSummary } from './ControlsTable';
import {
  DEFAULT_FRAMEWORK,
  FrameworkSelect,
  isFramework,
} from './FrameworkSelect';

/**
 * The org page's Compliance tab: one framework's controls for the
 * organisation or a team (both kept in the URL: `?framework=…&owner=…`).
 */
export function ComplianceTab() {
  const api = useApi(cicdSecurityApiRef);
  const url = useUrlState();
  const chosen = url.get('framework');
  const framework = isFramework(chosen) ? chosen : DEFAULT_FRAMEWORK;
  const owner = url.get('owner');
  const teams = useAsync(() => api.getTeams(), [api]);
  const view = useAsync(
    () => api.getCompliance(framework, owner ? { owner } : {}),
    [api, framework, owner],
  );
  const groups = teams.value?.items.map(t => t.groupRef) ?? [];
  return (
    <Box>
      <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={2}>
        <FrameworkSelect
          id="compliance-framework"
          value={framework}
          onChange={id => url.set({ framework: id })}
        />
        <FormControl variant="outlined" size="small" style={{ minWidth: 220 }}>
          <InputLabel id="compliance-scope-label">Scope</InputLabel>
          <Select
            labelId="compliance-scope-label"
            id="compliance-scope"
            label="Scope"
            value={owner || 'org'}
            onChange={e => {
              const v = e.target.value as string;
              url.set({ owner: v === 'org' ? undefined : v });
            }}
          >
            <MenuItem value="org">Whole organisation</MenuItem>
            {owner && !groups.includes(owner) && (
              <MenuItem value={owner}>{refName(owner)}</MenuItem>
            )}
            {groups.map(g => (
              <MenuItem key={g} value={g}>
                {refName(g)}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
      </Box>
      {view.loading && <Progress />}
      {view.error && <ResponseErrorPanel error={view.error} />}
      {view.value && (
        <InfoCard
          title={`${view.value.framework.title} (${view.value.framework.version})`}
          subheader={`${
            owner ? `Team ${refName(owner)}` : 'Whole organisation'
          }: ${view.value.components.evaluated} components evaluated${
            view.value.components.notEvaluated
              ? `, ${view.value.components.notEvaluated} not evaluated (never scanned or no source)`
              : ''
          }`}
        >
          <ControlSummary view={view.value} />
          <Typography variant="body2" color="textSecondary" paragraph>
            A control is met when it is met for every component that assessed
            it, not met when it is met for none, partially met otherwise.
            Evidence shows each check's worst status and open findings across
            the components.
          </Typography>
          <ControlsTable view={view.value} />
        </InfoCard>
      )}
    </Box>
  );
}
