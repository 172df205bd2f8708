/**
 * Near-duplicate sensitivity chosen in Settings (and tuned live in Duplicates), kept in
 * localStorage so it survives a restart. Ranges and defaults are the shared limits (src/shared/limits.ts)
 * that the contract and the core enforce, so a slider can never send a value they refuse.
 */
import { reactive, readonly, watch } from 'vue';
import { limits } from '../../../shared/limits.js';

const { nearThreshold, nearHashDistance } = limits;
/** Slider attributes (`v-bind`): min, max and step of each limit. */
export const THRESHOLD_RANGE = { min: nearThreshold.min, max: nearThreshold.max, step: nearThreshold.step } as const;
export const HASH_DISTANCE_RANGE = { min: nearHashDistance.min, max: nearHashDistance.max, step: nearHashDistance.step } as const;

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
  return { threshold: nearThreshold.default, hashDistance: nearHashDistance.default };
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
    threshold: clamp(stored.threshold, THRESHOLD_RANGE, nearThreshold.default),
    hashDistance: clamp(stored.hashDistance, HASH_DISTANCE_RANGE, nearHashDistance.default),
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
  state.threshold = clamp(value, THRESHOLD_RANGE, nearThreshold.default);
}

export function setHashDistance(value: number): void {
  state.hashDistance = clamp(value, HASH_DISTANCE_RANGE, nearHashDistance.default);
}

export function resetNearSensitivity(): void {
  Object.assign(state, defaults());
}

export function isDefaultSensitivity(): boolean {
  return state.threshold === nearThreshold.default && state.hashDistance === nearHashDistance.default;
}
