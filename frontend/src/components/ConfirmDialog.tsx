import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useI18n } from '../i18n/context';

/** What can take focus inside the dialog, in tab order. */
const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function focusableIn(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.closest('[inert]'));
}

interface Props {
  open: boolean;
  title: string;
  /** The question and its consequences. */
  children: ReactNode;
  confirmLabel: string;
  /** Destructive actions get a red confirm button, and focus starts on Cancel. */
  danger?: boolean;
  /** While true the buttons are disabled and the confirm button shows progress. */
  busy?: boolean;
  /** An error of the last attempt, shown in the dialog. */
  error?: ReactNode;
  onConfirm: () => void;
  /** Cancel, Escape or the backdrop; ignored while busy. */
  onClose: () => void;
  testId?: string;
}

/**
 * A modal confirmation (WAI-ARIA APG dialog pattern) for the profile's
 * actions (R10: suspend, reactivate, remove): rendered over the page, which
 * becomes inert; focus moves into the dialog (to Cancel), Tab and Shift+Tab
 * cycle inside it, Escape closes it, and focus returns to the element that
 * opened it.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger = false,
  busy = false,
  error,
  onConfirm,
  onClose,
  testId = 'confirm-dialog',
}: Props) {
  const { t } = useI18n();
  const titleId = useId();
  const bodyId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const busyRef = useRef(busy);
  busyRef.current = busy;

  useEffect(() => {
    if (!open) return undefined;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // Everything else on the page becomes inert (not focusable, hidden from assistive technology).
    const host = dialog.current?.closest('[data-dialog-host]');
    const others = [...document.body.children].filter(
      (el): el is HTMLElement => el instanceof HTMLElement && el !== host && !el.hasAttribute('inert'),
    );
    for (const el of others) el.setAttribute('inert', '');
    cancel.current?.focus();
    return () => {
      for (const el of others) el.removeAttribute('inert');
      if (opener && opener.isConnected) opener.focus();
    };
  }, [open]);

  if (!open) return null;

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      if (!busyRef.current) onClose();
      return;
    }
    if (e.key !== 'Tab' || !dialog.current) return;
    const items = focusableIn(dialog.current);
    const first = items[0];
    const last = items.at(-1);
    if (!first || !last) {
      e.preventDefault();
      dialog.current.focus();
      return;
    }
    const active = document.activeElement;
    if (e.shiftKey && (active === first || active === dialog.current)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && active === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    <div className="dialog-host" data-dialog-host="">
      <div
        className="dialog-backdrop"
        data-testid={`${testId}-backdrop`}
        onClick={() => {
          if (!busyRef.current) onClose();
        }}
      />
      <div
        ref={dialog}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        data-testid={testId}
      >
        <h2 id={titleId} className="dialog-title">
          {title}
        </h2>
        <div id={bodyId} className="dialog-body">
          {children}
        </div>
        {error && (
          <div className="alert alert-error" role="alert" data-testid={`${testId}-error`}>
            {error}
          </div>
        )}
        <div className="dialog-actions">
          <button
            ref={cancel}
            type="button"
            className="button button-secondary"
            onClick={onClose}
            disabled={busy}
            data-testid={`${testId}-cancel`}
          >
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className={`button${danger ? ' button-danger' : ''}`}
            onClick={onConfirm}
            disabled={busy}
            aria-describedby={busy ? `${bodyId}-busy` : undefined}
            data-testid={`${testId}-confirm`}
          >
            {confirmLabel}
          </button>
        </div>
        <p id={`${bodyId}-busy`} role="status" className="dialog-progress" data-testid={`${testId}-progress`}>
          {busy ? t('common.working') : ''}
        </p>
      </div>
    </div>,
    document.body,
  );
}
