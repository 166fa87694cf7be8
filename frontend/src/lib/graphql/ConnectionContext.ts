import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ConnectionMonitor, ConnectionState } from './connection';

export const ConnectionContext = createContext<ConnectionMonitor | null>(null);

/** The real-time link's state, re-rendering on change. */
export function useConnectionState(): ConnectionState {
  const monitor = useContext(ConnectionContext);
  if (!monitor) throw new Error('useConnectionState must be used inside <ConnectionContext.Provider>');
  return useSyncExternalStore(monitor.subscribe, monitor.getSnapshot, monitor.getSnapshot);
}
