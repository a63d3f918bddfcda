// The Fluent web components the board uses, defined once (imported when the board is drawn,
// while its first data is on its way).
import '@fluentui/web-components/button.js';
import '@fluentui/web-components/badge.js';
import '@fluentui/web-components/message-bar.js';
import '@fluentui/web-components/tablist.js';
import '@fluentui/web-components/tab.js';
