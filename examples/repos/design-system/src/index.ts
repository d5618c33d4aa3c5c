import clsx from 'clsx';

export type ButtonVariant = 'primary' | 'secondary' | 'danger';

/** Class names of an ACME button. */
export function buttonClass(variant: ButtonVariant, disabled = false): string {
  return clsx('acme-btn', `acme-btn--${variant}`, {
    'acme-btn--disabled': disabled,
  });
}
