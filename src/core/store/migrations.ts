/**
 * Versioned schema migrations, applied in order inside one transaction each; `PRAGMA user_version`
 * records the last applied one. Never edit a released migration: add a new one.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'roots, files, contents, decisions, trash log',
    sql: `
      CREATE TABLE roots (
        id        INTEGER PRIMARY KEY,
        path      TEXT NOT NULL UNIQUE,
        excludes  TEXT NOT NULL DEFAULT '[]',   -- JSON array of glob patterns relative to the root
        added_at  INTEGER NOT NULL
      );

      -- One row per distinct file content (SHA-256 of the bytes). Everything learnt by decoding lives
      -- here, so byte-identical copies, moves and renames never need a second decode.
      CREATE TABLE contents (
        hash          TEXT PRIMARY KEY,
        size          INTEGER NOT NULL,
        format        TEXT NOT NULL,
        width         INTEGER NOT NULL,             -- after EXIF orientation
        height        INTEGER NOT NULL,
        orientation   INTEGER NOT NULL DEFAULT 1,
        taken_at      TEXT,                         -- EXIF DateTimeOriginal, local time as written by the camera
        camera_make   TEXT,
        camera_model  TEXT,
        phash         TEXT NOT NULL,                -- 64-bit DCT perceptual hash, 16 hex digits
        ph0           INTEGER NOT NULL,             -- its four 16-bit chunks, indexed for multi-index
        ph1           INTEGER NOT NULL,             -- hashing lookups ("is this picture already here?")
        ph2           INTEGER NOT NULL,
        ph3           INTEGER NOT NULL,
        phash_variants TEXT NOT NULL DEFAULT '[]',  -- JSON: hashes of the 90/180/270 rotations and the mirror
        pixel_hash    TEXT,                         -- SHA-256 of the oriented pixels; computed only when needed
        decoded_at    INTEGER NOT NULL
      );
      CREATE INDEX contents_by_sig0 ON contents (width, height, ph0);
      CREATE INDEX contents_by_sig1 ON contents (width, height, ph1);
      CREATE INDEX contents_by_sig2 ON contents (width, height, ph2);
      CREATE INDEX contents_by_sig3 ON contents (width, height, ph3);
      CREATE INDEX contents_by_pixel_hash ON contents (pixel_hash) WHERE pixel_hash IS NOT NULL;

      CREATE TABLE files (
        id            INTEGER PRIMARY KEY,
        root_id       INTEGER NOT NULL REFERENCES roots (id) ON DELETE CASCADE,
        path          TEXT NOT NULL UNIQUE,
        size          INTEGER NOT NULL,
        mtime_ms      REAL NOT NULL,
        dev           INTEGER NOT NULL DEFAULT 0,
        ino           INTEGER NOT NULL DEFAULT 0,
        content_hash  TEXT,                         -- NULL when the bytes could not be read
        status        TEXT NOT NULL CHECK (status IN ('ok', 'error', 'unsupported')),
        error         TEXT,
        indexed_at    INTEGER NOT NULL
      );
      CREATE INDEX files_by_content ON files (content_hash);
      CREATE INDEX files_by_root ON files (root_id);

      -- User decisions outlive the index: keyed by content, so they survive moves and re-indexing.
      CREATE TABLE ignored_pairs (
        hash_a  TEXT NOT NULL,
        hash_b  TEXT NOT NULL,
        decided_at INTEGER NOT NULL,
        PRIMARY KEY (hash_a, hash_b),
        CHECK (hash_a < hash_b)
      );
      CREATE TABLE kept_files (
        path        TEXT PRIMARY KEY,
        decided_at  INTEGER NOT NULL
      );
      CREATE TABLE trash_log (
        id             INTEGER PRIMARY KEY,
        original_path  TEXT NOT NULL,
        trashed_at     INTEGER NOT NULL,
        content_hash   TEXT,
        restored_at    INTEGER
      );
    `,
  },
  {
    version: 2,
    description: 'embeddings, FAISS id map, labels, settings',
    sql: `
      -- Vectors are kept here (float32, L2-normalized) so the FAISS index can always be rebuilt
      -- without the photos. Keyed by model: vectors of two models are never mixed.
      CREATE TABLE embeddings (
        content_hash  TEXT NOT NULL,
        model_id      TEXT NOT NULL,
        vector        BLOB NOT NULL,
        PRIMARY KEY (content_hash, model_id)
      ) WITHOUT ROWID;

      -- The FAISS id map: position i of the model's index file holds this content's vector.
      CREATE TABLE vector_positions (
        model_id      TEXT NOT NULL,
        position      INTEGER NOT NULL,
        content_hash  TEXT NOT NULL,
        PRIMARY KEY (model_id, position)
      ) WITHOUT ROWID;
      CREATE INDEX vector_positions_by_content ON vector_positions (model_id, content_hash);

      CREATE TABLE content_labels (
        content_hash  TEXT NOT NULL,
        model_id      TEXT NOT NULL,
        rank          INTEGER NOT NULL,
        label         TEXT NOT NULL,
        score         REAL NOT NULL,
        PRIMARY KEY (content_hash, model_id, rank)
      ) WITHOUT ROWID;
      CREATE INDEX content_labels_by_label ON content_labels (label);

      CREATE TABLE settings (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: 'operations journal (trash with undo), "not duplicates" decisions by content',
    sql: `
      -- Every action on user files or decisions is an operation, written BEFORE anything moves and
      -- completed after, so a crash leaves a journal that undo and the next start can use.
      CREATE TABLE operations (
        id          TEXT PRIMARY KEY,             -- random UUID, what \`doppel undo ID\` names
        kind        TEXT NOT NULL CHECK (kind IN ('trash', 'not-duplicates')),
        state       TEXT NOT NULL CHECK (state IN ('running', 'done', 'undone')),
        created_at  INTEGER NOT NULL,
        finished_at INTEGER,
        undone_at   INTEGER
      );
      -- One row per file an operation considered. 'moving' is written before the move (with the
      -- trash slot already reserved), 'trashed' after it; recovery reads what is on disk to settle
      -- a 'moving' row left by a crash. The file's library row is kept here so undo can put it back.
      CREATE TABLE operation_files (
        operation_id  TEXT NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
        seq           INTEGER NOT NULL,
        original_path TEXT NOT NULL,
        keeper_path   TEXT,
        root_id       INTEGER,
        content_hash  TEXT,
        size          INTEGER NOT NULL,
        mtime_ms      REAL NOT NULL,
        dev           INTEGER NOT NULL DEFAULT 0,
        ino           INTEGER NOT NULL DEFAULT 0,
        trashed_path  TEXT,
        info_path     TEXT,
        state         TEXT NOT NULL CHECK (state IN ('moving', 'trashed', 'skipped', 'restored', 'restore-failed')),
        reason        TEXT,
        PRIMARY KEY (operation_id, seq)
      );
      CREATE INDEX operation_files_by_state ON operation_files (state);

      -- "Not duplicates": pairs of contents (hash_a <= hash_b) that never share a group again.
      -- hash_a = hash_b marks byte copies the user keeps on purpose. Keyed by content, so the
      -- decision survives re-indexing, moves and renames; operation_id makes it undoable.
      CREATE TABLE not_duplicates (
        hash_a        TEXT NOT NULL,
        hash_b        TEXT NOT NULL,
        decided_at    INTEGER NOT NULL,
        operation_id  TEXT,
        PRIMARY KEY (hash_a, hash_b),
        CHECK (hash_a <= hash_b)
      ) WITHOUT ROWID;
      INSERT INTO not_duplicates (hash_a, hash_b, decided_at) SELECT hash_a, hash_b, decided_at FROM ignored_pairs;
      DROP TABLE ignored_pairs;
      DROP TABLE trash_log;
    `,
  },
  {
    version: 4,
    description: 'pixel signature of each content (decides which contents need a full-resolution pixel hash)',
    sql: `
      -- A small grayscale grid of the picture (src/core/media/pixel-signature.ts), written by the
      -- decode that indexes the content. NULL for contents indexed before this version (the pixel
      -- phase keeps the older rule for them: same dimensions and perceptual hash means a full decode)
      -- and for pictures of other formats than JPEG over 30 megapixels.
      ALTER TABLE contents ADD COLUMN pixel_signature BLOB;
    `,
  },
  {
    version: 5,
    description: 'listing keys of each file (capture date, first seen, name, folder, size band) and an index for each sort',
    sql: `
      -- The Library view pages 100k photos by keyset in five sorts: each sort is one index walk,
      -- never a sort of the table per page. Every index reads (readable, section, sort key, path):
      -- the section (month, initial, size band, folder) leads, so a timeline is one GROUP BY over
      -- the index and a section's page is a range of it; the path makes the order total.

      -- When the library first saw this path (epoch ms). indexed_at is rewritten whenever the file
      -- changes; this is set once, when the row is inserted (a moved file is a new path: new date).
      ALTER TABLE files ADD COLUMN added_at INTEGER;
      -- Its month in local time ('2024-07'): 'localtime' is not allowed in a generated column.
      ALTER TABLE files ADD COLUMN added_month TEXT;
      -- The capture time: EXIF taken_at of the content ('2024-07-14T10:11:12', camera local time),
      -- else the file's modification time in local time, so every file has a date to sort by.
      ALTER TABLE files ADD COLUMN sort_date TEXT;

      ALTER TABLE files ADD COLUMN readable INTEGER GENERATED ALWAYS AS (status = 'ok') VIRTUAL;
      ALTER TABLE files ADD COLUMN sort_month TEXT GENERATED ALWAYS AS (substr(sort_date, 1, 7)) VIRTUAL;
      -- The parent folder with its trailing separator: what rtrim leaves once every character that
      -- is not a separator is trimmed from the end. POSIX paths (leading '/') split at '/' only, as
      -- '\\' is a legal file-name character there; Windows paths at both.
      ALTER TABLE files ADD COLUMN folder_prefix TEXT GENERATED ALWAYS AS (
        rtrim(path, CASE WHEN substr(path, 1, 1) = '/' THEN replace(path, '/', '') ELSE replace(replace(path, '/', ''), '\\', '') END)
      ) VIRTUAL;
      -- The parent folder as path.dirname gives it: no trailing separator but for a root ('/', 'C:\\').
      ALTER TABLE files ADD COLUMN dir TEXT GENERATED ALWAYS AS (
        CASE WHEN length(folder_prefix) <= 1 OR (length(folder_prefix) = 3 AND substr(folder_prefix, 2, 1) = ':')
          THEN folder_prefix ELSE substr(folder_prefix, 1, length(folder_prefix) - 1) END
      ) VIRTUAL;
      ALTER TABLE files ADD COLUMN name TEXT GENERATED ALWAYS AS (substr(path, length(folder_prefix) + 1)) VIRTUAL;
      -- What A-Z sorts by: the name ignoring case (lower folds ASCII only). Not a NOCASE column: SQLite
      -- would then seek the index by the leading column only, and a deep page would walk the rest.
      ALTER TABLE files ADD COLUMN name_key TEXT GENERATED ALWAYS AS (lower(name)) VIRTUAL;
      ALTER TABLE files ADD COLUMN name_initial TEXT GENERATED ALWAYS AS (
        CASE WHEN substr(name_key, 1, 1) BETWEEN 'a' AND 'z' THEN upper(substr(name_key, 1, 1)) ELSE '#' END
      ) VIRTUAL;
      -- 0: under 1 MB, 1: 1-5 MB, 2: 5-20 MB, 3: over 20 MB (MB = 10^6 bytes).
      ALTER TABLE files ADD COLUMN size_band INTEGER GENERATED ALWAYS AS (
        CASE WHEN size > 20000000 THEN 3 WHEN size > 5000000 THEN 2 WHEN size >= 1000000 THEN 1 ELSE 0 END
      ) VIRTUAL;

      UPDATE files SET
        added_at = indexed_at,
        added_month = strftime('%Y-%m', indexed_at / 1000, 'unixepoch', 'localtime'),
        sort_date = coalesce(
          (SELECT taken_at FROM contents WHERE hash = files.content_hash),
          strftime('%Y-%m-%dT%H:%M:%S', mtime_ms / 1000, 'unixepoch', 'localtime')
        );

      CREATE INDEX files_by_taken ON files (readable, sort_month, sort_date, path);
      CREATE INDEX files_by_added ON files (readable, added_month, added_at, path);
      CREATE INDEX files_by_name ON files (readable, name_initial, name_key, path);
      CREATE INDEX files_by_size ON files (readable, size_band, size, path);
      CREATE INDEX files_by_folder ON files (readable, dir, name_key, path);
      -- The listing's "has a copy" filter counts readable files per content: with the status in the
      -- index that is an index scan, not a table lookup per file.
      DROP INDEX files_by_content;
      CREATE INDEX files_by_content ON files (content_hash, status);

      -- The keys follow the rows whoever writes them, so no writer has to know about them. A row
      -- restored by undo is inserted again: it is first seen again then.
      CREATE TRIGGER files_listing_keys_on_insert AFTER INSERT ON files BEGIN
        UPDATE files SET
          added_at = coalesce(added_at, NEW.indexed_at),
          added_month = strftime('%Y-%m', coalesce(added_at, NEW.indexed_at) / 1000, 'unixepoch', 'localtime'),
          sort_date = coalesce(
            (SELECT taken_at FROM contents WHERE hash = NEW.content_hash),
            strftime('%Y-%m-%dT%H:%M:%S', NEW.mtime_ms / 1000, 'unixepoch', 'localtime')
          )
        WHERE id = NEW.id;
      END;
      CREATE TRIGGER files_sort_date_on_change AFTER UPDATE OF content_hash, mtime_ms ON files BEGIN
        UPDATE files SET sort_date = coalesce(
          (SELECT taken_at FROM contents WHERE hash = NEW.content_hash),
          strftime('%Y-%m-%dT%H:%M:%S', NEW.mtime_ms / 1000, 'unixepoch', 'localtime')
        )
        WHERE id = NEW.id;
      END;
      CREATE TRIGGER contents_sort_date_on_insert AFTER INSERT ON contents BEGIN
        UPDATE files SET sort_date = coalesce(NEW.taken_at, strftime('%Y-%m-%dT%H:%M:%S', mtime_ms / 1000, 'unixepoch', 'localtime'))
        WHERE content_hash = NEW.hash;
      END;
      CREATE TRIGGER contents_sort_date_on_change AFTER UPDATE OF taken_at ON contents BEGIN
        UPDATE files SET sort_date = coalesce(NEW.taken_at, strftime('%Y-%m-%dT%H:%M:%S', mtime_ms / 1000, 'unixepoch', 'localtime'))
        WHERE content_hash = NEW.hash;
      END;
    `,
  },
  {
    version: 6,
    description: 'the real path a trashed file was moved from (undo puts it back there)',
    sql: `
      -- The path the trash records, with symlinked folders resolved: where undo puts the file back.
      -- original_path stays the library's own path (the row undo restores). NULL for files trashed
      -- before this version: undo then resolves original_path's folder as it is now.
      ALTER TABLE operation_files ADD COLUMN trashed_from TEXT;
    `,
  },
  {
    version: 7,
    description: "each picture's sharpness and exposure, for the best shot among similar shots",
    sql: `
      -- Measured on the 256 px working copy when the content is indexed (picture-quality.ts): the
      -- variance of its Laplacian and the share of its pixels clipped to black or white. NULL for
      -- contents indexed before this version: the best-shot suggestion reads their thumbnail.
      ALTER TABLE contents ADD COLUMN sharpness REAL;
      ALTER TABLE contents ADD COLUMN clipped REAL;
    `,
  },
  {
    version: 8,
    description: "perceptual hash of each picture's middle, to find copies with a caption or a logo at their edges",
    sql: `
      -- pHash of the middle 60 % x 60 % of the working copy (perceptual-hash.ts, centreHash), 16 hex
      -- digits. NULL for contents indexed before this version (and pictures too small to have a
      -- middle): the index run that follows the upgrade fills it in from their thumbnails.
      ALTER TABLE contents ADD COLUMN phash_centre TEXT;
    `,
  },
];
