import type { SqliteDatabase } from './library.database';

/** Library-wide key/value settings: the active model, reference folders, and which background work is still owed. */
export type SettingKey = 'model' | 'pixel-hashes-pending' | 'embeddings-complete-for' | 'protected-folders' | 'file-name-dates';

export class SettingsRepository {
  readonly #get;
  readonly #set;
  readonly #delete;

  constructor(db: SqliteDatabase) {
    this.#get = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.#set = db.prepare<[string, string]>('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)');
    this.#delete = db.prepare<[string]>('DELETE FROM settings WHERE key = ?');
  }

  get(key: SettingKey): string | null {
    return this.#get.get(key)?.value ?? null;
  }

  set(key: SettingKey, value: string): void {
    this.#set.run(key, value);
  }

  delete(key: SettingKey): void {
    this.#delete.run(key);
  }
}
