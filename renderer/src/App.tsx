import { useEffect } from 'react';
import { AppShell } from './components/AppShell';
import { selectConnection, useSession } from './stores/session';

export function App() {
  const info = useSession((state) => state.info);
  const error = useSession((state) => state.error);
  const connection = useSession(selectConnection);
  const connect = useSession((state) => state.connect);

  useEffect(() => {
    void connect();
  }, [connect]);

  return <AppShell info={info} connection={connection} errorMessage={error?.message ?? null} />;
}
