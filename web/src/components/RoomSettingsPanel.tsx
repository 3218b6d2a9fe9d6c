import { useEffect, useState, type FormEvent } from 'react';
import type { RoomSettings } from '../sdk';
import { useSession } from './context';

/** The switches of a room's settings (protocol.md §7.17), with what each does. */
const SWITCHES = [
  ['inviteOnly', 'Invite only', 'only invited users join'],
  ['moderated', 'Moderated', 'only voiced members and operators write'],
  ['secret', 'Secret', 'not in the room list of non-members'],
  ['topicLocked', 'Topic for operators', 'only operators set the topic'],
  ['membersOnly', 'Members only', 'only members write to the room'],
] as const;

/** An operator's form for the room's settings; the server decides who may change them. */
export function RoomSettingsPanel({ room, onClose }: { room: string; onClose: () => void }) {
  const session = useSession();
  const [settings, setSettings] = useState<RoomSettings | undefined>(undefined);
  const [key, setKey] = useState('');
  useEffect(() => {
    let live = true;
    void session.attempt(async () => {
      const s = await session.roomAdmin().roomSettings(room);
      if (live) {
        setSettings(s);
        setKey(s.key);
      }
    });
    return () => {
      live = false;
    };
  }, [room, session]);

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!settings) return;
    const { inviteOnly, limit, moderated, secret, topicLocked, membersOnly } = settings;
    // An unchanged key field keeps the key; emptied, it removes it.
    const next = { inviteOnly, limit, moderated, secret, topicLocked, membersOnly, ...(key === settings.key ? {} : { key }) };
    if (!(await session.attempt(() => session.roomAdmin().setRoomSettings(room, next)))) onClose();
  };

  if (!settings) return null;
  return (
    <form className="room-settings" aria-label={`Settings of ${room}`} onSubmit={(e) => void save(e)}>
      {SWITCHES.map(([name, label, hint]) => (
        <label key={name} title={hint}>
          <input type="checkbox" checked={settings[name]} onChange={(e) => setSettings({ ...settings, [name]: e.target.checked })} /> {label}
        </label>
      ))}
      <label>
        Key <input type="password" value={key} onChange={(e) => setKey(e.target.value)} placeholder="none" maxLength={64} />
      </label>
      <label>
        Member limit{' '}
        <input type="number" min={0} max={100000} value={settings.limit} onChange={(e) => setSettings({ ...settings, limit: Number(e.target.value) })} />
      </label>
      <button type="submit">Save settings</button>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
    </form>
  );
}
