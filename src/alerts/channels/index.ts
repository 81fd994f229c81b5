/**
 * The alert channels: Slack, e-mail, generic webhook and console. Each turns a digest of already
 * decided alerts into its own format; Slack and webhook share one retrying POST on the injected Clock.
 */
export * from './console.js';
export * from './email.js';
export * from './http-post.js';
export * from './slack.js';
export * from './webhook.js';
