import { useState, type FormEvent } from 'react';
import { conversationsOf, type IncomingMessage } from '../sdk';
import { useSession } from './context';

/**
 * Search of the messages the user may read (protocol.md §7.16): results newest first, in pages;
 * choosing one opens its conversation.
 */
export function SearchBox({ me, onNavigate }: { me: string; onNavigate: () => void }) {
  const session = useSession();
  const [query, setQuery] = useState('');
  const [searched, setSearched] = useState('');
  const [results, setResults] = useState<readonly IncomingMessage[] | undefined>(undefined);
  const [more, setMore] = useState(false);

  const run = async (q: string, before: number): Promise<void> => {
    await session.attempt(async () => {
      const page = await session.search(q, before);
      setResults(before === 0 ? page.messages : [...(results ?? []), ...page.messages]);
      setMore(page.more);
      setSearched(q);
    });
  };
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (query.trim() !== '') void run(query.trim(), 0);
  };
  const openResult = (m: IncomingMessage): void => {
    const ref = conversationsOf(m.from, m.to, me)[0];
    if (!ref) return;
    session.openWith(ref.targets);
    onNavigate();
  };

  return (
    <section>
      <h2>Search</h2>
      <form className="inline-form" role="search" onSubmit={submit}>
        <label htmlFor="search-query" className="sr-only">
          Search messages
        </label>
        <input id="search-query" type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="words" maxLength={200} />
        <button type="submit">Search</button>
      </form>
      {results !== undefined && (
        <>
          {results.length === 0 ? (
            <p className="hint">Nothing found for “{searched}”.</p>
          ) : (
            <ul className="search-results" aria-label={`Results for ${searched}`}>
              {results.map((m) => (
                <li key={m.id}>
                  <button type="button" className="search-result" onClick={() => openResult(m)}>
                    <span className="search-where">{m.to.length === 1 && m.to[0].startsWith('#') ? m.to[0] : m.from}</span>
                    <span className="search-text">
                      {m.from}: {m.text}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {more && (
            <button type="button" className="quiet" onClick={() => void run(searched, results.at(-1)?.id ?? 0)}>
              Older results
            </button>
          )}
        </>
      )}
    </section>
  );
}
