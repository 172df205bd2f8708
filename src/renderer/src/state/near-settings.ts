/**
 * Near-duplicate sensitivity chosen in Settings (and tuned live in Duplicates), kept in
 * localStorage so it survives a restart. The core's defaults come from src/shared/near-defaults.
 */
import { reactive, readonly, watch } from 'vue';
import { nearDefaults, nearHashDistanceRange, nearThresholdRange } from '../../../shared/near-defaults.js';

export const THRESHOLD_RANGE = nearThresholdRange;
export const HASH_DISTANCE_RANGE = nearHashDistanceRange;

const STORAGE_KEY = 'doppel.nearSensitivity';

export interface NearSensitivity {
  /** Minimum embedding cosine for two photos to be near duplicates. */
  threshold: number;
  /** Maximum perceptual-hash distance in bits. */
  hashDistance: number;
}

function clamp(value: unknown, range: { readonly min: number; readonly max: number; readonly step: number }, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  const stepped = Math.round(value / range.step) * range.step;
  // Rounding to the step's decimals keeps 0.9 from becoming 0.9000000000000001 in the request.
  return Number(Math.min(range.max, Math.max(range.min, stepped)).toFixed(2));
}

function defaults(): NearSensitivity {
  return { threshold: nearDefaults.threshold, hashDistance: nearDefaults.hashDistance };
}

/** Reads the stored choice; anything unreadable falls back to the defaults, value by value. */
function load(): NearSensitivity {
  let stored: Partial<Record<keyof NearSensitivity, unknown>> = {};
  try {
    const text = window.localStorage.getItem(STORAGE_KEY);
    if (text) stored = JSON.parse(text) as typeof stored;
  } catch (thrown) {
    console.warn(`Cannot read the near-duplicate settings from localStorage (${String(thrown)}); using the defaults`);
  }
  return {
    threshold: clamp(stored.threshold, THRESHOLD_RANGE, nearDefaults.threshold),
    hashDistance: clamp(stored.hashDistance, HASH_DISTANCE_RANGE, nearDefaults.hashDistance),
  };
}

const state = reactive<NearSensitivity>(load());

// Only a departure from the defaults is stored, so a user who never moved a slider follows the
// defaults when a later version retunes them.
watch(state, (value) => {
  try {
    if (isDefaultSensitivity()) window.localStorage.removeItem(STORAGE_KEY);
    else window.localStorage.setItem(STORAGE_KEY, JSON.stringify(value));
  } catch (thrown) {
    console.warn(`Cannot save the near-duplicate settings to localStorage: ${String(thrown)}`);
  }
});

export const nearSensitivity = readonly(state);

export function setThreshold(value: number): void {
  state.threshold = clamp(value, THRESHOLD_RANGE, nearDefaults.threshold);
}

export function setHashDistance(value: number): void {
  state.hashDistance = clamp(value, HASH_DISTANCE_RANGE, nearDefaults.hashDistance);
}

export function resetNearSensitivity(): void {
  Object.assign(state, defaults());
}

export function isDefaultSensitivity(): boolean {
  return state.threshold === nearDefaults.threshold && state.hashDistance === nearDefaults.hashDistance;
}
