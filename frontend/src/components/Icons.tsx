/** Small inline icons; decorative unless a caller gives them a label. */

interface IconProps {
  className?: string;
}

export function LockIcon({ className }: IconProps) {
  return (
    <svg className={className ?? 'icon'} viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M8 1a3.5 3.5 0 0 0-3.5 3.5V7H4a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V8a1 1 0 0 0-1-1h-.5V4.5A3.5 3.5 0 0 0 8 1Zm2 6H6V4.5a2 2 0 1 1 4 0V7Z"
      />
    </svg>
  );
}

export function ChevronIcon({ className }: IconProps) {
  return (
    <svg className={className ?? 'icon'} viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M5.5 2.5 11 8l-5.5 5.5-1.06-1.06L8.88 8 4.44 3.56 5.5 2.5Z" />
    </svg>
  );
}

export function InfoIcon({ className }: IconProps) {
  return (
    <svg className={className ?? 'icon'} viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1Zm.75 10.5h-1.5V7h1.5v4.5ZM8 5.75A.9.9 0 1 1 8 3.95a.9.9 0 0 1 0 1.8Z"
      />
    </svg>
  );
}
