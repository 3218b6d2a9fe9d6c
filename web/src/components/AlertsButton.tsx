import { useState } from 'react';
import { alertPermission, askAlertPermission } from '../session/alerts';

/**
 * Offers desktop notifications for direct messages and mentions while the page is hidden; shown
 * only while the browser has not been asked yet (a refusal is the user's to undo in the browser).
 */
export function AlertsButton() {
  const [permission, setPermission] = useState(alertPermission);
  if (permission !== 'default') return null;
  return (
    <button type="button" className="quiet alerts" onClick={() => void askAlertPermission().then(setPermission)}>
      <span aria-hidden="true">🔔</span>
      <span className="alerts-label"> Notify me</span>
    </button>
  );
}
