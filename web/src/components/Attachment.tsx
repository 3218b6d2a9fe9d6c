import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../model/errors';
import { formatSize, isPreviewable } from '../model/format';
import type { WireFile } from '../sdk';
import { useSession } from './context';

/** A file of a message: images are previewed from a blob: URL, other files are saved on request. */
export function Attachment({ file }: { file: WireFile }) {
  const session = useSession();
  const [url, setUrl] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const label = `${file.name} (${formatSize(file.size)})`;

  const fetchFile = useCallback(() => {
    setBusy(true);
    setError(undefined);
    session
      .fileUrl(file)
      .then(setUrl, (err: unknown) => setError(describeError(err)))
      .finally(() => setBusy(false));
  }, [session, file]);

  useEffect(() => {
    if (session.autoPreview(file)) fetchFile();
  }, [session, file, fetchFile]);

  if (url && isPreviewable(file.type)) {
    return (
      <figure className="attachment image">
        <a href={url} download={file.name} title={`Save ${file.name}`}>
          <img src={url} alt={file.name} loading="lazy" />
        </a>
        <figcaption>{label}</figcaption>
      </figure>
    );
  }
  if (url) {
    return (
      <a className="attachment file" href={url} download={file.name}>
        Save {label}
      </a>
    );
  }
  return (
    <span className="attachment pending">
      <button type="button" onClick={fetchFile} disabled={busy}>
        {busy ? `Downloading ${file.name}…` : `Download ${label}`}
      </button>
      {error && <span className="form-error"> {error}</span>}
    </span>
  );
}
