// A real storage failure for one message: a trigger, added to a running server's sqlite file
// through a second connection, aborts the insert of any message with the given text, so the
// group commit that carries it fails exactly as a failing disk or a constraint would.
import Database from 'better-sqlite3';

/** Installs the trigger; the returned function removes it again. */
export function poisonMessages(dbPath: string, text: string): () => void {
  const db = new Database(dbPath);
  db.pragma('busy_timeout = 5000');
  db.prepare(`CREATE TRIGGER poison_message BEFORE INSERT ON messages WHEN NEW.text = ${quote(text)}
    BEGIN SELECT RAISE(ABORT, 'poisoned message'); END`).run();
  return () => {
    db.prepare('DROP TRIGGER IF EXISTS poison_message').run();
    db.close();
  };
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
