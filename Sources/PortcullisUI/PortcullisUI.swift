// The hosted login UI: page rendering, CSRF, i18n and form flows.
