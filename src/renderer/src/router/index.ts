/**
 * Every view has an address, so Back/Forward and reload keep the view, the open photo and the
 * filters. Browser mode uses real paths (`/library?sort=name&photo=…`, deep links work because
 * the bridge serves the page for any app path); Electron loads the page from a file-like
 * protocol, where only the hash part can change without a reload.
 */
import { createRouter, createWebHashHistory, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { api } from '../api/index.js';
// The first view anyone sees: in the main bundle, so the address and the photos come at once.
import LibraryView from '../views/LibraryView.vue';

export const VIEW_NAMES = ['library', 'duplicates', 'similar', 'find', 'folders', 'settings', 'about'] as const;
export type ViewName = (typeof VIEW_NAMES)[number];

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: { name: 'library' } },
  { path: '/library', name: 'library', component: LibraryView, meta: { title: 'Library' } },
  { path: '/duplicates', name: 'duplicates', component: () => import('../views/DuplicatesView.vue'), meta: { title: 'Duplicates' } },
  { path: '/similar', name: 'similar', component: () => import('../views/SimilarView.vue'), meta: { title: 'Similar' } },
  { path: '/find', name: 'find', component: () => import('../views/FindView.vue'), meta: { title: 'Find a photo' } },
  { path: '/folders', name: 'folders', component: () => import('../views/FoldersView.vue'), meta: { title: 'Folders' } },
  { path: '/settings', name: 'settings', component: () => import('../views/SettingsView.vue'), meta: { title: 'Settings' } },
  { path: '/about', name: 'about', component: () => import('../views/AboutView.vue'), meta: { title: 'About' } },
  { path: '/:unknown(.*)*', redirect: { name: 'library' } },
];

export const router = createRouter({
  history: api.mode === 'electron' ? createWebHashHistory() : createWebHistory(),
  routes,
  // A view keeps its own scroll (the timeline restores its position); a new view starts at the top.
  scrollBehavior: (to, from, saved) => saved ?? (to.name === from.name ? false : { top: 0 }),
});

router.afterEach((to) => {
  const title = typeof to.meta.title === 'string' ? to.meta.title : null;
  document.title = title ? `${title} · Doppel` : 'Doppel';
});

/** The first value of a query parameter, or null. */
export function queryValue(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return null;
}
