import {
  ComplianceFrameworkId,
  complianceFrameworks,
} from '@cicd-security/plugin-cicd-security-common';
import { FormControl, InputLabel, MenuItem, Select } from '@material-ui/core';

export const DEFAULT_FRAMEWORK: ComplianceFrameworkId = 'owasp-cicd-top10';

export function isFramework(id: string): id is ComplianceFrameworkId {
  return complianceFrameworks.some(f => f.id === id);
}

/** Choice of the compliance framework. */
export function FrameworkSelect(props: {
  value: ComplianceFrameworkId;
  onChange: (id: ComplianceFrameworkId) => void;
  id: string;
}) {
  return (
    <FormControl variant="outlined" size="small" style={{ minWidth: 260 }}>
      <InputLabel id={`${props.id}-label`}>Framework</InputLabel>
      <Select
        labelId={`${props.id}-label`}
        id={props.id}
        label="Framework"
        value={props.value}
        onChange={e => props.onChange(e.target.value as ComplianceFrameworkId)}
      >
        {complianceFrameworks.map(f => (
          <MenuItem key={f.id} value={f.id}>
            {f.title} ({f.version})
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}
