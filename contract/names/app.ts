export const appRequestNames = ['app.info', 'app.ping'] as const;
export const appEventNames = ['app.notice'] as const;
