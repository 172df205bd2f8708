import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router/index.js';
import { applyStoredTheme } from './state/theme.js';
import './styles.css';

applyStoredTheme();
createApp(App).use(router).mount('#app');
