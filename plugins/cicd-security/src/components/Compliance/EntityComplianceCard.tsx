import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ComplianceFrameworkId } from '@cicd-security/plugin-cicd-security-common';
import { Box, Button, Typography } from '@material-ui/core';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { cicdSecurityApiRef } from '../../api';
import { ControlsTable, ControlSummary } from './ControlsTable';
import { DEFAULT_FRAMEWORK, FrameworkSelect } from './FrameworkSelect';
import { takePrefetched } from '../prefetch';

/**
 * The Security tab's compliance card: a framework's control statuses for
 * the component (a summary, and the controls with their evidence on
 * request), and its estimated SLSA Build level with what the next level
 * needs.
 */
export function EntityComplianceCard(props: { entityRef: string }) {
  const api = useApi(cicdSecurityApiRef);
  const [framework, setFramework] =
    useState<ComplianceFrameworkId>(DEFAULT_FRAMEWORK);
  // The controls with their evidence make a long table: the card shows the
  // summary and opens the table on request.
  const [showControls, setShowControls] = useState(false);
  const { value, loading, error } = useAsync(
    () =>
      takePrefetched(api, 'getCompliance', framework, {
        entityRef: props.entityRef,
      }),
    [api, framework, props.entityRef],
  );
  return (
    <InfoCard title="Compliance">
      <Box mb={2}>
        <FrameworkSelect
          id="entity-compliance-framework"
          value={framework}
          onChange={setFramework}
        />
      </Box>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <>
          {value.slsa && (
            <Box mb={2} data-testid="slsa-estimate">
              <Typography variant="subtitle1">
                Estimated SLSA Build level: L{value.slsa.level}
              </Typography>
              {value.slsa.basis.map(b => (
                <Typography variant="body2" color="textSecondary" key={b}>
                  {b}
                </Typography>
              ))}
              {value.slsa.missingForNext.length > 0 && (
                <>
                  <Typography variant="body2">
                    For L{value.slsa.level + 1}:
                  </Typography>
                  <ul style={{ marginTop: 0 }}>
                    {value.slsa.missingForNext.map(m => (
                      <li key={m.requirement}>
                        <Typography variant="body2">
                          {m.requirement}
                          {m.checkIds.length
                            ? ` (${m.checkIds.join(', ')})`
                            : ''}
                        </Typography>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </Box>
          )}
          {value.components.notEvaluated > 0 && (
            <Typography color="textSecondary">
              Not evaluated: the component has not been scanned or has no
              source.
            </Typography>
          )}
          <ControlSummary view={value} />
          <Button
            size="small"
            onClick={() => setShowControls(!showControls)}
            data-testid="compliance-controls-toggle"
          >
            {showControls
              ? 'Hide the controls'
              : `Show the ${value.controls.length} controls and their evidence`}
          </Button>
          {showControls && <ControlsTable view={value} />}
        </>
      )}
    </InfoCard>
  );
}
