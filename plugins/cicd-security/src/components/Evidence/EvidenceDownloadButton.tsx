import { useState, MouseEvent } from 'react';
import {
  alertApiRef,
  discoveryApiRef,
  fetchApiRef,
  useApi,
  useApiHolder,
} from '@backstage/core-plugin-api';
import {
  Button,
  ListItemText,
  Menu,
  MenuItem,
  Tooltip,
} from '@material-ui/core';
import GetAppIcon from '@material-ui/icons/GetApp';
import { saveBlob } from '../../utils';

type EvidenceFormat = 'json' | 'html' | 'pdf';

const FORMATS: Array<{
  format: EvidenceFormat;
  label: string;
  detail: string;
}> = [
  {
    format: 'json',
    label: 'JSON evidence',
    detail: 'Schema-valid, with a SHA-256 digest to verify',
  },
  {
    format: 'html',
    label: 'HTML report',
    detail: 'Printable, self-contained',
  },
  {
    format: 'pdf',
    label: 'PDF report',
    detail: 'Printed by the backend',
  },
];

/** The file name the backend gives, or a plain one. */
function fileName(res: Response, format: EvidenceFormat): string {
  const disposition = res.headers.get('content-disposition') ?? '';
  const m = /filename="([^"]+)"/.exec(disposition);
  return m ? m[1] : `cicd-security-evidence.${format}`;
}

/**
 * Downloads the audit evidence of one component (`entityRef`), a team
 * (`owner`) or the organisation (neither): the JSON document, its HTML
 * report or its PDF.
 */
export function EvidenceDownloadButton(props: {
  entityRef?: string;
  owner?: string;
  framework?: string;
  /** On a page header: the button takes the header's text colour. */
  inHeader?: boolean;
}) {
  const { entityRef, owner, framework, inHeader } = props;
  // Resolved when a download is asked for, not on every render.
  const apis = useApiHolder();
  const alertApi = useApi(alertApiRef);
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [downloading, setDownloading] = useState(false);

  const download = async (format: EvidenceFormat) => {
    setAnchor(null);
    setDownloading(true);
    try {
      const params = new URLSearchParams();
      if (entityRef) params.set('entityRef', entityRef);
      if (owner) params.set('owner', owner);
      if (framework) params.set('framework', framework);
      params.set('format', format);
      const discoveryApi = apis.get(discoveryApiRef);
      const fetchApi = apis.get(fetchApiRef);
      if (!discoveryApi || !fetchApi) throw new Error('the app has no backend');
      const base = await discoveryApi.getBaseUrl('cicd-security');
      const res = await fetchApi.fetch(`${base}/evidence?${params}`);
      if (!res.ok) {
        let reason = res.statusText || `HTTP ${res.status}`;
        try {
          const body = await res.json();
          reason = body?.error?.message ?? reason;
        } catch {
          // not JSON: keep the status text
        }
        throw new Error(reason);
      }
      saveBlob(await res.blob(), fileName(res, format));
    } catch (e) {
      alertApi.post({
        message: `Could not download the evidence: ${(e as Error).message}`,
        severity: 'error',
      });
    } finally {
      setDownloading(false);
    }
  };

  return (
    <>
      <Tooltip title="Audit evidence: results, findings, waivers and framework controls with the scanned commits">
        <Button
          variant="outlined"
          startIcon={<GetAppIcon />}
          onClick={(e: MouseEvent<HTMLElement>) => setAnchor(e.currentTarget)}
          disabled={downloading}
          aria-haspopup="true"
          style={
            inHeader ? { color: 'inherit', borderColor: 'currentColor' } : {}
          }
          data-testid="evidence-download-button"
        >
          {downloading ? 'Downloading…' : 'Evidence'}
        </Button>
      </Tooltip>
      <Menu
        anchorEl={anchor}
        keepMounted
        open={Boolean(anchor)}
        onClose={() => setAnchor(null)}
      >
        {FORMATS.map(f => (
          <MenuItem key={f.format} onClick={() => download(f.format)}>
            <ListItemText primary={f.label} secondary={f.detail} />
          </MenuItem>
        ))}
      </Menu>
    </>
  );
}
